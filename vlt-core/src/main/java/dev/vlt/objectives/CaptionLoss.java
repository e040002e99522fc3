package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Captioning cross-entropy with padding ignored (torch's {@code cross_entropy(ignore_index=pad)}): the mean of
 * −log p(label) over the positions whose label is not padding.
 */
public final class CaptionLoss {
  private CaptionLoss() {}

  /**
   * @param logits next-token logits [B, L, V]
   * @param labels target ids [B, L]; positions equal to {@code padId} do not count
   * @return the mean over non-pad positions, a scalar; 0 (not torch's NaN) when every label is padding
   */
  public static NDArray compute(NDArray logits, NDArray labels, int padId) {
    NDArray ids = labels.toType(DataType.INT64, false);
    NDArray logp = logits.logSoftmax(-1);
    NDArray picked = logp.gather(ids.expandDims(-1), -1).squeeze(-1);            // [B, L]
    NDArray keep = ids.neq(padId).toType(logp.getDataType(), false);
    return picked.mul(keep).sum().neg().div(keep.sum().maximum(1f));
  }
}
