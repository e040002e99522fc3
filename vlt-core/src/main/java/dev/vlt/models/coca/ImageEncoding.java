package dev.vlt.models.coca;

import ai.djl.ndarray.NDArray;

/**
 * What CoCa's image tower gives.
 *
 * @param latent the contrastive image embedding [B, E], not normalised
 * @param tokens the image tokens the decoder attends to [B, Q−1, E]
 */
public record ImageEncoding(NDArray latent, NDArray tokens) {}
