package dev.vlt.models.grounding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.Engines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The reference point is the centre of the patch [REG] matches, and the box head moves its centre from there. */
class PatchAnchorTest {
  @BeforeAll
  static void oneThread() {
    Engines.setThreads(1);
  }

  @Test
  void referenceIsTheCentreOfTheMatchedPatchAndTheBoxStartsThere() {
    int w = 4;
    int grid = 3;
    try (NDManager m = NDManager.newBaseManager()) {
      PatchAnchor anchor = new PatchAnchor(w, grid);
      anchor.initialize(m, 0);
      float big = 40;
      // identity projections without bias: the query matches the key of the one patch that equals it
      for (var e : anchor.namedParameters().entrySet()) {
        Shape s = e.getValue().shape();
        e.getValue().set(e.getKey().endsWith("weight") ? m.eye(w).mul(big) : m.zeros(s));
      }
      NDArray patches = m.zeros(new Shape(2, grid * grid, w));
      patches.set(new ai.djl.ndarray.index.NDIndex("0, 5, 0"), 1f);     // row 1, column 2
      patches.set(new ai.djl.ndarray.index.NDIndex("1, 6, 1"), 1f);     // row 2, column 0
      NDArray reg = m.create(new float[] {1, 0, 0, 0, 0, 1, 0, 0}, new Shape(2, w));
      float[] ref = anchor.forward(reg, patches).toFloatArray();
      assertEquals(2.5 / 3, ref[0], 1e-3, "x of patch (1, 2)");
      assertEquals(1.5 / 3, ref[1], 1e-3, "y of patch (1, 2)");
      assertEquals(0.5 / 3, ref[2], 1e-3, "x of patch (2, 0)");
      assertEquals(2.5 / 3, ref[3], 1e-3, "y of patch (2, 0)");

      BoxHead head = new BoxHead(w, w);
      head.initialize(m, 1);
      for (var e : head.namedParameters().entrySet()) e.getValue().set(m.zeros(e.getValue().shape()));
      float[] box = head.forward(reg, anchor.forward(reg, patches)).toFloatArray();
      assertEquals(ref[0], box[0], 1e-4, "no offset: the centre is the reference");
      assertEquals(ref[3], box[5], 1e-4);
      assertEquals(0.5, box[2], 1e-6, "width from the head alone");
    }
  }
}
