package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;

/**
 * Florence's unified image-text-label contrastive loss (UniCL, Yang et al. 2022): each sample carries a key, its class
 * for image-label data and its caption for image-text pairs; every image-text pairing whose keys agree is a positive,
 * with the target mass spread evenly over them, in both directions. Without repeated keys it is CLIP's loss.
 */
public final class UniclLoss {
  private UniclLoss() {}

  /**
   * @param image normalised image features [B, E]
   * @param text normalised text features [B, E]
   * @param logitScale exp(logit_scale), a scalar
   * @param keys each sample's key id [B] (int64): equal ids are positives of each other
   */
  public static LossTerms compute(NDArray image, NDArray text, NDArray logitScale, NDArray keys) {
    return LossTerms.of("unicl_loss", value(image, text, logitScale, keys));
  }

  /** The loss itself: symmetric soft InfoNCE whose targets spread uniformly over the columns sharing the row's key. */
  public static NDArray value(NDArray image, NDArray text, NDArray logitScale, NDArray keys) {
    NDArray none = keys.getManager().create(new long[0]);
    NDArray targets = DistilledContrastiveLoss.targets(keys, none);  // [B, B]: uniform over the columns sharing the row's key
    return SoftContrastiveLoss.compute(image, text, logitScale, targets);
  }
}
