package dev.vlt.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.objectives.CaptionLoss;
import org.junit.jupiter.api.Test;

class OpsTest {
  @Test
  void additiveMaskKeepsShapeAndMarksZeros() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray keep = m.create(new long[] {1, 0, 1, 1, 0, 0}, new Shape(1, 2, 3));
      NDArray mask = Ops.additiveMask(keep, DataType.FLOAT64);
      assertEquals(new Shape(1, 2, 3), mask.getShape());
      assertEquals(DataType.FLOAT64, mask.getDataType());
      float ninf = Float.NEGATIVE_INFINITY;
      assertArrayEquals(new float[] {0, ninf, 0, 0, ninf, ninf}, mask.toType(DataType.FLOAT32, false).toFloatArray());
    }
  }

  @Test
  void nextTokenNllAgreesWithTheCaptionLoss() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      NDArray logits = m.randomNormal(new Shape(2, 5, 7));
      NDArray ids = m.create(new long[] {1, 4, 6, 2, 0, 1, 3, 0, 0, 0}, new Shape(2, 5));
      NDArray nll = Ops.nextTokenNll(logits, ids, 0);                                    // [2, 4]
      assertEquals(new Shape(2, 4), nll.getShape());
      float[] v = nll.toFloatArray();
      assertEquals(0f, v[3], 0f);  // row 0 predicts a pad at position 3
      assertEquals(0f, v[5], 0f);
      // the caption loss is the mean over counted positions: 3 in row 0, 1 in row 1
      float mean = CaptionLoss.compute(logits.get(":, :-1"), ids.get(":, 1:"), 0).getFloat();
      assertEquals(mean * 4, nll.sum().getFloat(), 1e-5);
      float direct = -logits.get("1, 0").logSoftmax(-1).getFloat(3);
      assertEquals(direct, v[4], 1e-6);
    }
  }
}
