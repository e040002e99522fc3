package dev.vlt.objectives;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.Ops;
import org.junit.jupiter.api.Test;

class UniVlcLossTest {
  @Test
  void distinctKeysGiveClipsLossAndSharedKeysSharePositives() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray v = Ops.l2Normalize(m.randomNormal(new Shape(4, 6)));
      NDArray t = Ops.l2Normalize(m.randomNormal(new Shape(4, 6)));
      NDArray scale = m.create(5f);
      float clip = ContrastiveLoss.compute(v, t, scale).total().getFloat();
      float distinct = UniVlcLoss.compute(v, t, scale, m.create(new long[] {7, 3, 9, 1})).total().getFloat();
      assertEquals(clip, distinct, 1e-6f);

      // keys {a, a, b, c}: rows 0 and 1 each put half their target on columns 0 and 1
      long[] keys = {5, 5, 8, 2};
      float[] s = v.matMul(t.transpose()).mul(5f).toFloatArray();
      double expected = 0;
      for (int dir = 0; dir < 2; dir++) {
        for (int i = 0; i < 4; i++) {
          double max = Double.NEGATIVE_INFINITY, sum = 0;
          double[] row = new double[4];
          for (int k = 0; k < 4; k++) row[k] = dir == 0 ? s[i * 4 + k] : s[k * 4 + i];
          for (double x : row) max = Math.max(max, x);
          for (double x : row) sum += Math.exp(x - max);
          int positives = 0;
          double lp = 0;
          for (int k = 0; k < 4; k++) {
            if (keys[k] == keys[i]) {
              positives++;
              lp += row[k] - max - Math.log(sum);
            }
          }
          expected -= lp / positives / 4 / 2;
        }
      }
      float shared = UniVlcLoss.compute(v, t, scale, m.create(keys)).total().getFloat();
      assertEquals(expected, shared, 1e-5);
      assertEquals(true, Math.abs(shared - clip) > 1e-4, "shared keys change the loss");
    }
  }
}
