package dev.vlt.models;

import ai.djl.ndarray.NDArray;

/**
 * The masked-image-reconstruction capability (MAE and the masked image models built on it): remove patches chosen by a
 * noise draw, predict their pixels from the rest. Reconstruction grids and held-out reconstruction errors use it.
 */
public interface PixelReconstruction {
  /**
   * images [B, C, S, S] normalised pixels, noise [B, L] (the {@code keep} patches with the smallest noise stay visible)
   * → predicted patch pixels and which patches were removed.
   */
  Reconstruction reconstruct(NDArray images, NDArray noise);

  /** Patch side p in pixels. */
  int patchSize();

  /** Patches L per image. */
  int patches();

  /** The fraction of patches removed. */
  double maskRatio();

  /**
   * Whether predictions are per-patch normalised pixels (MAE's {@code norm_pix_loss}): each predicted patch has its own
   * mean and variance removed, so pictures need the true patch's statistics to be shown.
   */
  boolean normPixTargets();

  /**
   * @param pred [B, L, p·p·C] a prediction for every patch, in {@link dev.vlt.nn.Patches#patchify} order
   * @param mask [B, L] float, 1 where the patch was removed
   */
  record Reconstruction(NDArray pred, NDArray mask) {}
}
