package dev.vlt.models.vit;

import ai.djl.ndarray.NDArray;

/**
 * What a {@link Vit} computes.
 *
 * @param features every token after the blocks (and {@code norm} where the pooling has it): [B, P + N, W]
 * @param preLogits the pooled image vector after {@code fc_norm}: [B, W]
 * @param logits {@code head(preLogits)} [B, numClasses]; the pre-logits themselves when there is no head
 */
public record VitOutput(NDArray features, NDArray preLogits, NDArray logits) {}
