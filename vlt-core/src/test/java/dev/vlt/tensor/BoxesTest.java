package dev.vlt.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.nn.GradCheck;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** IoU and GIoU on known boxes, the host and tensor forms agreeing, format round trips, and GIoU's gradient. */
class BoxesTest {
  @Test
  void knownValues() {
    float[] a = {0, 0, 2, 2};
    float[] b = {1, 1, 3, 3};
    assertEquals(1.0 / 7, Boxes.iou(a, b), 1e-9);                           // overlap 1, union 7
    assertEquals(1.0 / 7 - (9 - 7) / 9.0, Boxes.giou(a, b), 1e-9);           // hull 3×3
    assertEquals(1.0, Boxes.iou(a, a), 1e-9);
    assertEquals(0.0, Boxes.iou(a, new float[] {5, 5, 6, 6}), 1e-9);
    assertEquals(-1 + 2.0 / 36 * 1, Boxes.giou(new float[] {0, 0, 1, 1}, new float[] {5, 5, 6, 6}), 1e-9);  // hull 6×6, union 2
    assertArrayEquals(new float[] {1, 2, 2, 4}, Boxes.toCxcywh(new float[] {0, 0, 2, 4}));
    assertArrayEquals(new float[] {0, 0, 2, 4}, Boxes.toXyxy(Boxes.toCxcywh(new float[] {0, 0, 2, 4})));
  }

  @Test
  void tensorFormsAgreeWithHostForms() {
    SplittableRandom r = new SplittableRandom(5);
    int n = 64;
    float[] a = new float[4 * n];
    float[] b = new float[4 * n];
    for (int i = 0; i < n; i++) {
      fill(a, i, r);
      fill(b, i, r);
    }
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray ta = m.create(a, new Shape(n, 4));
      NDArray tb = m.create(b, new Shape(n, 4));
      float[] giou = Boxes.giou(ta, tb).toFloatArray();
      float[] back = Boxes.toXyxy(Boxes.toCxcywh(ta)).toFloatArray();
      float[] cxcywh = Boxes.toCxcywh(ta).toFloatArray();
      for (int i = 0; i < n; i++) {
        float[] ba = java.util.Arrays.copyOfRange(a, 4 * i, 4 * i + 4);
        float[] bb = java.util.Arrays.copyOfRange(b, 4 * i, 4 * i + 4);
        assertEquals(Boxes.giou(ba, bb), giou[i], 1e-5, "row " + i);
        assertArrayEquals(Boxes.toCxcywh(ba), java.util.Arrays.copyOfRange(cxcywh, 4 * i, 4 * i + 4), 1e-6f);
        assertArrayEquals(ba, java.util.Arrays.copyOfRange(back, 4 * i, 4 * i + 4), 1e-6f);
      }
    }
  }

  /** Random corner boxes in [0, 1]², some overlapping, some not. */
  private static void fill(float[] out, int i, SplittableRandom r) {
    float x = (float) r.nextDouble(0, 0.8);
    float y = (float) r.nextDouble(0, 0.8);
    out[4 * i] = x;
    out[4 * i + 1] = y;
    out[4 * i + 2] = x + (float) r.nextDouble(0.02, 0.5);
    out[4 * i + 3] = y + (float) r.nextDouble(0.02, 0.5);
  }

  /** A module holding predicted boxes as a parameter, so GradCheck can compare GIoU's autograd with finite differences. */
  private static final class Pred extends Module {
    final Parameter boxes = param("boxes", Init.ZEROS, 6, 4);
  }

  @Test
  void giouGradientMatchesFiniteDifferences() {
    try (NDManager m = NDManager.newBaseManager()) {
      Pred p = new Pred();
      p.initialize(m, 1);
      // predicted (cx, cy, w, h): overlapping, disjoint, contained and enclosing cases against the targets
      double[] pred = {0.5, 0.5, 0.2, 0.2, 0.2, 0.2, 0.1, 0.1, 0.5, 0.5, 0.6, 0.4, 0.3, 0.6, 0.2, 0.3, 0.7, 0.7, 0.3, 0.1, 0.4, 0.4, 0.5, 0.5};
      double[] tgt = {0.55, 0.5, 0.2, 0.3, 0.8, 0.8, 0.1, 0.1, 0.5, 0.5, 0.2, 0.2, 0.36, 0.55, 0.3, 0.3, 0.6, 0.77, 0.2, 0.2, 0.45, 0.4, 0.1, 0.6};
      p.boxes.set(m.create(pred, new Shape(6, 4)));
      NDArray target = m.create(tgt, new Shape(6, 4));
      assertEquals(DataType.FLOAT64, p.boxes.value().getDataType());
      int checked = GradCheck.check(p, () -> Boxes.giou(Boxes.toXyxy(p.boxes.value()), Boxes.toXyxy(target)).sum(), 24);
      assertEquals(24, checked);
    }
  }
}
