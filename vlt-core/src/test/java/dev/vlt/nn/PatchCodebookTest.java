package dev.vlt.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.NoGrad;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The k-means visual tokenizer: it finds the patch kinds it is fitted on, and is a checkpointed buffer. */
class PatchCodebookTest {
  private static final float[][] PALETTE = {{1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}, {1, 1, 1}};

  /** 4 images of 16 px, each 4-px patch one flat palette colour (kind = a seeded draw) plus a little noise. */
  private static NDArray images(NDManager m, int[] kinds, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int b = kinds.length / 16;
    float[] x = new float[b * 3 * 16 * 16];
    for (int i = 0; i < b; i++) {
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 16; y++) {
          for (int z = 0; z < 16; z++) {
            int patch = (y / 4) * 4 + z / 4;
            x[((i * 3 + c) * 16 + y) * 16 + z] = PALETTE[kinds[i * 16 + patch]][c] + (float) (0.05 * (rng.nextDouble() - 0.5));
          }
        }
      }
    }
    return m.create(x, new Shape(b, 3, 16, 16));
  }

  @Test
  void fitsOneTokenPerKindOfPatch() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      PatchCodebook book = new PatchCodebook(4, 4, 3);
      book.initialize(m, 1);
      assertEquals(List.of("codebook"), List.copyOf(book.namedBuffers().keySet()), "the centroids travel in the checkpoint");
      assertTrue(book.namedParameters().isEmpty(), "and are never trained");
      assertFalse(book.fitted());
      SplittableRandom rng = new SplittableRandom(2);
      int[] kinds = new int[4 * 16];
      for (int i = 0; i < kinds.length; i++) kinds[i] = i < 4 ? i : rng.nextInt(4);       // every kind at least once
      book.fit(images(m, kinds, 3), 7);
      assertTrue(book.fitted());
      int[] fresh = new int[4 * 16];
      for (int i = 0; i < fresh.length; i++) fresh[i] = rng.nextInt(4);
      long[] tokens = book.tokens(images(m, fresh, 4)).toLongArray();                   // other images, other noise
      assertEquals(64, tokens.length);
      long[] tokenOfKind = {-1, -1, -1, -1};
      for (int i = 0; i < fresh.length; i++) {
        if (tokenOfKind[fresh[i]] < 0) tokenOfKind[fresh[i]] = tokens[i];
        assertEquals(tokenOfKind[fresh[i]], tokens[i], "one token per kind of patch");
      }
      for (int a = 0; a < 4; a++) {
        for (int b = a + 1; b < 4; b++) {
          if (tokenOfKind[a] >= 0 && tokenOfKind[b] >= 0) assertNotEquals(tokenOfKind[a], tokenOfKind[b], "kinds " + a + ", " + b);
        }
      }
      PatchCodebook big = new PatchCodebook(100, 4, 3);
      big.initialize(m, 1);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> big.fit(images(m, kinds, 3), 7));
      assertTrue(e.getMessage().contains("at least as many patches"), e.getMessage());
    }
  }
}
