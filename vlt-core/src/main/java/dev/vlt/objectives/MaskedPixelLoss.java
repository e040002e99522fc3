package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;

/**
 * Pixel regression on masked patches, the masked-autoencoder loss: the mean squared error between predicted and target
 * patch vectors, averaged over the masked patches only (He et al. 2021; VideoMAE, Tong et al. 2022). Targets come from
 * {@link PixelTargets}.
 */
public final class MaskedPixelLoss {
  private MaskedPixelLoss() {}

  /**
   * MAE's {@code forward_loss}: {@code Σ_l mask_l · mean_P (pred − target)² / Σ_l mask_l}.
   *
   * @param pred [B, L, P] a prediction for every patch
   * @param target [B, L, P]
   * @param mask [B, L] float, 1 where the patch was removed (there the loss is taken), 0 where the encoder saw it
   */
  public static LossTerms compute(NDArray pred, NDArray target, NDArray mask) {
    NDArray perPatch = perPatch(pred, target);                                   // [B, L]
    return LossTerms.of("pixel_loss", perPatch.mul(mask).sum().div(mask.sum()));
  }

  /**
   * VideoMAE's loss ({@code nn.MSELoss} on the masked tokens): the mean of (pred − target)² over every element, for a
   * prediction made only at masked places.
   *
   * @param pred [B, M, P] predictions for the M masked tokens of each sample
   * @param target [B, M, P] the targets of the same tokens, in the same order
   */
  public static LossTerms compute(NDArray pred, NDArray target) {
    return LossTerms.of("pixel_loss", pred.sub(target).square().mean());
  }

  /** Per-patch mean squared error: [B, L, P] twice → [B, L] (MAE's loss before masking). */
  public static NDArray perPatch(NDArray pred, NDArray target) {
    if (!pred.getShape().equals(target.getShape())) {
      throw new IllegalArgumentException("prediction " + pred.getShape() + " and target " + target.getShape() + " differ in shape");
    }
    return pred.sub(target).square().mean(new int[] {-1});
  }
}
