package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SimLA's symmetric cross-modal reconstruction (XMM): masked text tokens predicted by text that attended to the image
 * (cross-entropy over the vocabulary, {@code xmm_text_loss}), and hidden image patches predicted by an image that attended
 * to the text (mean squared pixel error on the hidden patches, MAE's loss, {@code xmm_image_loss}). One fusion encoder
 * serves both directions, so each modality's reconstruction trains the attention the other direction reads.
 */
public final class CrossModalReconstructionLoss {
  private CrossModalReconstructionLoss() {}

  /**
   * @param textLogits [K, V] predictions at the K masked caption positions; @param textLabels [K] their true ids
   * @param pixels [B, N, P] predicted patch pixels; @param pixelTargets [B, N, P] the unmasked image's patches
   * @param patchMask [B, N] 1 where a patch was hidden (only there the image term is taken)
   */
  public static LossTerms compute(NDArray textLogits, NDArray textLabels, NDArray pixels, NDArray pixelTargets, NDArray patchMask) {
    Map<String, NDArray> terms = new LinkedHashMap<>();
    terms.put("xmm_text_loss", dev.vlt.tensor.Ops.crossEntropy(textLogits, textLabels));
    NDArray mask = patchMask.toType(pixels.getDataType(), false);
    terms.put("xmm_image_loss", MaskedPixelLoss.compute(pixels, pixelTargets, mask).total());
    return new LossTerms(terms);
  }
}
