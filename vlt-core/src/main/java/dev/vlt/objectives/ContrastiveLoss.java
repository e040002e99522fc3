package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vlt.tensor.Ops;

/**
 * CLIP's symmetric InfoNCE (open_clip's ClipLoss, one process): the i-th image and i-th text are the positives of a
 * batch, every other pairing a negative; cross-entropy over texts for each image and over images for each text, averaged.
 */
public final class ContrastiveLoss {
  private ContrastiveLoss() {}

  /**
   * @param image normalised image features [B, E]
   * @param text normalised text features [B, E]
   * @param logitScale exp(logit_scale), a scalar
   */
  public static LossTerms compute(NDArray image, NDArray text, NDArray logitScale) {
    NDArray logitsPerImage = image.matMul(text.transpose()).mul(logitScale);  // [B, B]
    NDArray logitsPerText = text.matMul(image.transpose()).mul(logitScale);
    NDManager m = image.getManager();
    NDArray labels = m.arange(0L, image.getShape().get(0), 1L);
    NDArray loss = Ops.div(Ops.crossEntropy(logitsPerImage, labels).add(Ops.crossEntropy(logitsPerText, labels)), 2);
    return LossTerms.of("contrastive_loss", loss);
  }
}
