package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Ops;

/**
 * CLIP's symmetric InfoNCE with a target distribution per row instead of the diagonal: the shared core of UniCL
 * (same-label positives) and NLIP (targets softened by each pair's noise probability). With the identity as targets it is
 * {@link ContrastiveLoss} exactly.
 */
public final class SoftContrastiveLoss {
  private SoftContrastiveLoss() {}

  /**
   * @param image normalised image features [B, E]
   * @param text normalised text features [B, E]
   * @param logitScale exp(logit_scale), a scalar
   * @param targets [B, B], rows summing to 1: row i is what image i should put on each text, and text i on each image
   * @return the mean over both directions of −Σ_j targets_ij · log softmax_j(logits_ij)
   */
  public static NDArray compute(NDArray image, NDArray text, NDArray logitScale, NDArray targets) {
    NDArray logitsPerImage = image.matMul(text.transpose()).mul(logitScale);  // [B, B]
    NDArray perImage = DistilledContrastiveLoss.softCrossEntropy(logitsPerImage, targets);
    NDArray perText = DistilledContrastiveLoss.softCrossEntropy(logitsPerImage.transpose(), targets);
    return Ops.div(perImage.add(perText), 2);
  }

  /**
   * Each pair's own symmetric cross-entropy within its batch (the diagonal targets), without reduction: [B]. NLIP reads
   * it in a fixed pass as each pair's loss.
   */
  public static NDArray perPair(NDArray image, NDArray text, NDArray logitScale) {
    NDArray logits = image.matMul(text.transpose()).mul(logitScale);  // [B, B]
    NDArray eye = logits.getManager().eye((int) logits.getShape().get(0)).toType(logits.getDataType(), false);
    NDArray perImage = logits.logSoftmax(1).mul(eye).sum(new int[] {1}).neg();
    NDArray perText = logits.transpose().logSoftmax(1).mul(eye).sum(new int[] {1}).neg();
    return Ops.div(perImage.add(perText), 2);
  }
}
