package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;

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
    return LossTerms.of("univlc_loss", UniclLoss.value(visual, text, logitScale, keys));  // UniCL's loss over images and clips
  }
}
