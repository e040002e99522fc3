package dev.vlt.objectives;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** INDIGO's loss by hand: both cross-entropies, the text one against the sample's own class × domain prompt. */
class IndigoLossTest {
  @Test
  void bothTermsAreCrossEntropiesWeightedEqually() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] cls = {1, 2, 0, 0, 0, 3};                             // [2, 3]
      float[] text = {0, 1, 2, 3, 4, 5, 5, 4, 3, 2, 1, 0};            // [2, 6]: 2 domains × 3 classes
      long[] labels = {1, 2};
      long[] domains = {1, 0};
      LossTerms t = IndigoLoss.compute(m.create(cls, new Shape(2, 3)), m.create(text, new Shape(2, 6)), m.create(labels),
          m.create(domains));
      Map<String, Double> v = t.values();
      double ce1 = (nll(new double[] {1, 2, 0}, 1) + nll(new double[] {0, 0, 3}, 2)) / 2;
      // sample 0: domain 1, class 1 → prompt 4; sample 1: domain 0, class 2 → prompt 2
      double ce2 = (nll(new double[] {0, 1, 2, 3, 4, 5}, 4) + nll(new double[] {5, 4, 3, 2, 1, 0}, 2)) / 2;
      assertEquals(ce1, v.get("class_loss"), 1e-6);
      assertEquals(ce2, v.get("text_loss"), 1e-6);
      assertEquals(ce1 + ce2, t.total().getFloat(), 1e-5);
    }
  }

  private static double nll(double[] logits, int k) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logits) max = Math.max(max, l);
    double sum = 0;
    for (double l : logits) sum += Math.exp(l - max);
    return -(logits[k] - max - Math.log(sum));
  }
}
