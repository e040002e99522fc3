package dev.vlt.models.mae;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.RandomMasking;

/**
 * What a {@link Mae} computes for one batch.
 *
 * @param latent the encoder output after {@code norm}: [B, 1 + K, W], row 0 the class token, row 1 + j patch idsKeep[j]
 * @param pred the decoder's pixel prediction for every patch, [B, L, p·p·C] in {@link dev.vlt.nn.Patches#patchify} order
 * @param masking which patches were removed ({@code mask} [B, L], 1 = removed: the loss is taken there) and the ids
 */
public record MaeOutput(NDArray latent, NDArray pred, RandomMasking.Masked masking) {
  /** [B, L] float, 1 where the patch was removed. */
  public NDArray mask() {
    return masking.mask();
  }
}
