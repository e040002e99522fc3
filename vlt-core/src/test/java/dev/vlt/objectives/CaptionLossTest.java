package dev.vlt.objectives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Caption cross-entropy ignores padding exactly as torch's ignore_index. */
class CaptionLossTest {
  @Test
  void meanOverNonPadPositionsOnly() {
    try (NDManager m = NDManager.newBaseManager()) {
      // vocabulary of 3. Position (0,0): logits (0, ln 3, 0) → p(1) = 3/5, label 1 → −ln 0.6 = 0.510826
      // position (0,1): uniform logits, label 2 → ln 3 = 1.098612; position (0,2): label 0 = pad, logits ignored
      // mean over the 2 counted positions = (0.510826 + 1.098612) / 2 = 0.804719
      float ln3 = (float) Math.log(3);
      NDArray logits = m.create(new float[] {0, ln3, 0, 0, 0, 0, 50, -50, 7}, new Shape(1, 3, 3));
      NDArray labels = m.create(new long[] {1, 2, 0}, new Shape(1, 3));
      assertEquals(0.804719, CaptionLoss.compute(logits, labels, 0).getFloat(), 1e-6);
      // another pad id counts id 0 as a real label: −log softmax(50, −50, 7)[0] ≈ 0 joins the mean
      assertEquals((0.510826 + 1.098612 + 0) / 3, CaptionLoss.compute(logits, labels, 9).getFloat(), 1e-6);
      assertEquals(0, CaptionLoss.compute(logits, m.zeros(new Shape(1, 3)).toType(ai.djl.ndarray.types.DataType.INT64, false), 0).getFloat(), 1e-12);
    }
  }

  @Test
  void weightsMustNotBeNegative() {
    assertThrows(IllegalArgumentException.class, () -> new CocaLoss(-1, 2, 0));
    assertEquals(2.0, CocaLoss.defaults().captionWeight());
    assertEquals(1.0, CocaLoss.defaults().contrastiveWeight());
  }
}
