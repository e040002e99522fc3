package dev.vlt.objectives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.Ops;
import org.junit.jupiter.api.Test;

class TimeOrderLossTest {
  @Test
  void aBagOfFramesSitsAtLogTwoAndOnlyOrderedClipsCount() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray v = Ops.l2Normalize(m.randomNormal(new Shape(3, 5)));
      NDArray r = Ops.l2Normalize(m.randomNormal(new Shape(3, 5)));
      NDArray t = Ops.l2Normalize(m.randomNormal(new Shape(3, 5)));
      NDArray scale = m.create(10f);
      NDArray all = m.create(new float[] {1, 1, 1});
      assertEquals(Math.log(2), TimeOrderLoss.value(v, v, t, scale, all).getFloat(), 1e-6,
          "an encoder blind to order embeds a clip and its reverse alike: the loss cannot go below log 2");

      float[] vv = v.toFloatArray(), rr = r.toFloatArray(), tt = t.toFloatArray();
      double[] nll = new double[3];
      for (int i = 0; i < 3; i++) {
        double a = 0, b = 0;
        for (int k = 0; k < 5; k++) {
          a += 10 * vv[i * 5 + k] * tt[i * 5 + k];
          b += 10 * rr[i * 5 + k] * tt[i * 5 + k];
        }
        nll[i] = Math.log(1 + Math.exp(b - a));  // −log of the forward clip's softmax share
      }
      assertEquals((nll[0] + nll[1] + nll[2]) / 3, TimeOrderLoss.value(v, r, t, scale, all).getFloat(), 1e-5);
      assertEquals((nll[0] + nll[2]) / 2, TimeOrderLoss.value(v, r, t, scale, m.create(new float[] {1, 0, 1})).getFloat(), 1e-5,
          "a still clip (an image) has no order and is left out");
      assertEquals(0f, TimeOrderLoss.value(v, r, t, scale, m.create(new float[3])).getFloat(), 0f, "no clips, no term");

      NDArray towardsText = Ops.l2Normalize(t.add(v.mul(0.1f)));
      assertTrue(TimeOrderLoss.value(towardsText, v, t, scale, all).getFloat() < Math.log(2),
          "a clip nearer its text than its reverse is scored below log 2");
    }
  }
}
