package dev.vlt.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Patch-vector orders of the masked-modeling targets: channel fastest, unlike the patch stem's weight. */
class PatchesTest {
  @Test
  void patchifyOrderAndInverse() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray img = m.randomNormal(new Shape(2, 3, 8, 12));
      NDArray p = Patches.patchify(img, 4);                               // grid 2×3
      assertEquals(new Shape(2, 6, 48), p.getShape());
      // patch (row 1, col 2) = 5; pixel (py 3, px 1), channel 2 → index (3·4 + 1)·3 + 2
      assertEquals(img.getFloat(1, 2, 4 + 3, 8 + 1), p.getFloat(1, 5, (3 * 4 + 1) * 3 + 2));
      NDArray square = m.randomNormal(new Shape(2, 3, 8, 8));
      assertArrayEquals(square.toFloatArray(), Patches.unpatchify(Patches.patchify(square, 4), 4, 3).toFloatArray());
    }
  }

  @Test
  void tubeletOrder() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray video = m.randomNormal(new Shape(1, 3, 4, 8, 8));
      NDArray t = Patches.tubelets(video, 2, 4);                          // [1, 2·2·2, 32, 3]
      assertEquals(new Shape(1, 8, 32, 3), t.getShape());
      // tubelet (t' 1, row 0, col 1) = 4 + 1; pixel (kt 1, py 2, px 3) → (1·4 + 2)·4 + 3; channel 1
      assertEquals(video.getFloat(0, 1, 2 + 1, 2, 4 + 3), t.getFloat(0, 5, (1 * 4 + 2) * 4 + 3, 1));
    }
  }
}
