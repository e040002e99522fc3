package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;

/**
 * Visual parsing's Masked Feature Regression loss (Xue et al. 2021): the L2 distance between the features predicted at
 * masked visual tokens and the visual encoder's output features there (computed on the unmasked image, held constant),
 * as a mean squared error over the masked tokens only. The tokens are masked in correlated groups
 * ({@link dev.vlt.nn.CorrelatedMasking}).
 */
public final class MaskedFeatureLoss {
  private MaskedFeatureLoss() {}

  /**
   * {@code Σ_n mask_n · mean_D (pred − target)² / Σ_n mask_n}: MAE's masked mean, over features instead of pixels.
   *
   * @param pred [B, N, D] a prediction for every visual token
   * @param target [B, N, D] the visual encoder's features (no gradient flows into them)
   * @param mask [B, N] float, 1 where the token was masked
   */
  public static NDArray value(NDArray pred, NDArray target, NDArray mask) {
    return MaskedPixelLoss.perPatch(pred, target.stopGradient()).mul(mask).sum().div(mask.sum());
  }
}
