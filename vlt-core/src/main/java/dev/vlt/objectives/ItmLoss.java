package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vlt.models.albef.ItmOutput;
import dev.vlt.tensor.Ops;

/** Image-text matching: cross-entropy of the (no match, match) logits, the first rows being matching pairs. */
public final class ItmLoss {
  private ItmLoss() {}

  /** The term {@code itm_loss} of ALBEF's matching pass (B positives, 2B hard negatives). */
  public static LossTerms compute(ItmOutput out) {
    return LossTerms.of("itm_loss", compute(out.logits(), out.positives()));
  }

  /** logits [N, 2], rows 0..positives−1 matching pairs → the mean cross-entropy. */
  public static NDArray compute(NDArray logits, int positives) {
    return Ops.crossEntropy(logits, labels(logits.getManager(), Math.toIntExact(logits.getShape().get(0)), positives));
  }

  /** [N] int64: 1 for the first {@code positives} rows, 0 after. */
  public static NDArray labels(NDManager manager, int n, int positives) {
    if (positives < 0 || positives > n) throw new IllegalArgumentException(positives + " positives among " + n + " rows");
    long[] l = new long[n];
    java.util.Arrays.fill(l, 0, positives, 1L);
    return manager.create(l);
  }
}
