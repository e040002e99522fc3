package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * OmniVL's unified vision-language contrastive loss (UniVLC, after UniCL): like CLIP's symmetric InfoNCE, except that
 * every pair of the batch with the same key is a positive — two clips of one label, or two clips whose captions are
 * the same text — so label data (labels written as text) and caption data train one embedding together. Each row's
 * positives share its probability mass: L = −½ mean_i [ Σ_{k∈P(i)} log softmax(s·v_i·T)_k / |P(i)| + (the same over
 * texts) ]. With all keys distinct it is exactly {@link ContrastiveLoss}.
 */
public final class UniVlcLoss {
  private UniVlcLoss() {}

  /**
   * @param visual normalised image or video features [B, E]
   * @param text normalised text features [B, E]
   * @param logitScale exp(logit_scale), a scalar
   * @param keys [B] int64: equal keys are positives of each other
   */
  public static LossTerms compute(NDArray visual, NDArray text, NDArray logitScale, NDArray keys) {
    NDArray same = keys.expandDims(1).eq(keys.expandDims(0)).toType(DataType.FLOAT32, false);   // [B, B], symmetric
    NDArray targets = same.div(same.sum(new int[] {1}, true));                                  // rows sum to 1
    NDArray logitsPerVisual = visual.matMul(text.transpose()).mul(logitScale);                 // [B, B]
    NDArray logitsPerText = text.matMul(visual.transpose()).mul(logitScale);
    NDArray v2t = logitsPerVisual.logSoftmax(1).mul(targets).sum(new int[] {1}).mean().neg();
    NDArray t2v = logitsPerText.logSoftmax(1).mul(targets).sum(new int[] {1}).mean().neg();
    return LossTerms.of("univlc_loss", v2t.add(t2v).div(2));
  }
}
