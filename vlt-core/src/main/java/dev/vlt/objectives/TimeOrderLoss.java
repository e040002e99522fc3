package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * The time-reversed clip as a hard negative for its own text (after Bagad et al. 2023, "Test of Time", whose
 * time-order contrastive loss uses reversed videos as negatives; Wei et al. 2018 on the arrow of time): for every clip
 * whose frames carry an order, the text it is paired with must score the clip above the same frames played backwards,
 * L = mean_{i: order_i} −log softmax([s·⟨t_i, v_i⟩, s·⟨t_i, rev(v_i)⟩])_0. A bag-of-frames encoder embeds a clip and its
 * reverse identically and sits at log 2 whatever it learns; only an encoder that reads frame order can lower it. Not
 * part of OmniVL's UniVLC.
 */
public final class TimeOrderLoss {
  private TimeOrderLoss() {}

  /**
   * @param visual normalised features of the clips [B, E]
   * @param reversed normalised features of the same clips with their frames in reverse order [B, E]
   * @param text normalised features of each clip's text [B, E]
   * @param logitScale exp(logit_scale), a scalar
   * @param ordered [B] float, 1 for a clip whose first and last frames differ, 0 for a still clip (an image), which has no
   *     order to reverse; the mean runs over the ones (0 when there are none)
   */
  public static NDArray value(NDArray visual, NDArray reversed, NDArray text, NDArray logitScale, NDArray ordered) {
    NDArray forward = visual.mul(text).sum(new int[] {1}, true);                          // [B, 1]
    NDArray backward = reversed.mul(text).sum(new int[] {1}, true);                       // [B, 1]
    NDArray logits = NDArrays.concat(new NDList(forward, backward), 1).mul(logitScale);  // [B, 2]
    NDArray nll = logits.logSoftmax(1).get(":, 0").neg();                                 // [B]
    NDArray count = ordered.sum().maximum(1f);
    return nll.mul(ordered).sum().div(count);
  }
}
