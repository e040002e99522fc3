package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import dev.vlt.models.albef.RetrievalOutput;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;

/**
 * ALBEF's image-text contrastive loss with momentum distillation (Li et al. 2021, eq. 2 and 6; torchmultimodal's
 * ImageTextContrastiveLoss): cross-entropy of each image's similarities to all texts (the batch and the queue) against
 * soft targets α·softmax(momentum similarities) + (1 − α)·ground truth, and the same from text to image, averaged. The
 * ground truth spreads each row's mass evenly over the entries sharing its sample id, so a second caption of the same
 * image, in the batch or in the queue, is a positive too.
 */
public final class DistilledContrastiveLoss {
  private DistilledContrastiveLoss() {}

  /** The terms {@code itc_loss} of a retrieval forward, with distillation weight α (ALBEF: 0.4). */
  public static LossTerms compute(RetrievalOutput out, double alpha) {
    NDArray targets = targets(out.idx(), out.queueIds());
    return LossTerms.of("itc_loss", compute(out.simI2t(), out.simT2i(), out.simI2tM(), out.simT2iM(), targets, alpha));
  }

  /**
   * The ground truth [B, B+Q]: row b is uniform over the columns whose id equals idx[b], the columns being the batch's ids
   * then the queue's. An empty queue slot (id −100) matches no sample.
   *
   * @param idx [B]; @param queueIds [Q]
   */
  public static NDArray targets(NDArray idx, NDArray queueIds) {
    try (NoGrad ignored = NoGrad.open()) {
      NDArray ids = idx.toType(DataType.INT64, false);
      NDArray all = NDArrays.concat(new NDList(ids, queueIds.toType(DataType.INT64, false)));       // [B+Q]
      NDArray pos = ids.reshape(-1, 1).eq(all.reshape(1, -1)).toType(DataType.FLOAT32, false);      // [B, B+Q]
      return pos.div(pos.sum(new int[] {1}, true));
    }
  }

  /**
   * @param simI2t image-to-text logits [B, N]; @param simT2i text-to-image logits [B, N]
   * @param simI2tM, @param simT2iM the momentum model's logits [B, N] (read without gradient; unused when α = 0)
   * @param targets the ground truth [B, N], rows summing to 1
   * @return (CE_i2t + CE_t2i) / 2, each the batch mean of −Σ_j target·log softmax
   */
  public static NDArray compute(NDArray simI2t, NDArray simT2i, NDArray simI2tM, NDArray simT2iM, NDArray targets,
      double alpha) {
    if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
    NDArray targetI2t = targets;
    NDArray targetT2i = targets;
    if (alpha != 0) {
      try (NoGrad ignored = NoGrad.open()) {
        NDArray truth = Ops.mul(targets, 1 - alpha);
        targetI2t = Ops.mul(simI2tM.softmax(1), alpha).add(truth);
        targetT2i = Ops.mul(simT2iM.softmax(1), alpha).add(truth);
      }
    }
    NDArray i2t = softCrossEntropy(simI2t, targetI2t);
    NDArray t2i = softCrossEntropy(simT2i, targetT2i);
    return Ops.div(i2t.add(t2i), 2);
  }

  /** Batch mean of −Σ_j target[b, j]·log softmax(logits[b])_j. */
  static NDArray softCrossEntropy(NDArray logits, NDArray target) {
    return logits.logSoftmax(1).mul(target).sum(new int[] {1}).mean().neg();
  }
}
