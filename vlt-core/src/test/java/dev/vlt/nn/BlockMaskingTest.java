package dev.vlt.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** BEiT's block-wise masking: the exact ratio, masks made of blocks (not scattered patches), seeded draws. */
class BlockMaskingTest {
  @Test
  void masksExactlyTheRatioOnBeitsGridAndOnSmallOnes() {
    for (BlockMasking b : new BlockMasking[] {BlockMasking.square(14, 0.4, 16), BlockMasking.square(8, 0.4, 5),
        BlockMasking.square(4, 0.4, 1), new BlockMasking(6, 10, 0.4, 4)}) {
      int want = (int) Math.round(0.4 * b.height() * b.width());
      assertEquals(want, b.count());
      SplittableRandom rng = new SplittableRandom(3);
      for (int i = 0; i < 200; i++) {
        boolean[] m = b.draw(rng);
        assertEquals(b.height() * b.width(), m.length);
        assertEquals(want, count(m), b + " draw " + i);
      }
    }
  }

  /**
   * Masked patches come in blocks: nearly every one has a masked 4-neighbour, and a 14×14 mask is a few components, not
   * dozens. A random 40 % mask of the same size fails both (about 1 − 0.6⁴ ≈ 87 % have a masked neighbour on average,
   * but in ~30 components).
   */
  @Test
  void masksAreContiguousBlocksUnlikeRandomMasks() {
    BlockMasking b = BlockMasking.square(14, 0.4, 16);
    SplittableRandom rng = new SplittableRandom(5);
    double blockNeighbour = 0;
    double blockComponents = 0;
    double randomComponents = 0;
    int draws = 100;
    for (int i = 0; i < draws; i++) {
      boolean[] m = b.draw(rng);
      blockNeighbour += withMaskedNeighbour(m, 14) / (double) count(m);
      blockComponents += components(m, 14);
      randomComponents += components(random(196, b.count(), rng), 14);
    }
    blockNeighbour /= draws;
    blockComponents /= draws;
    randomComponents /= draws;
    assertTrue(blockNeighbour > 0.97, "share of masked patches with a masked 4-neighbour: " + blockNeighbour);
    assertTrue(blockComponents < 6, "components per block mask: " + blockComponents);
    assertTrue(randomComponents > 3 * blockComponents, "random " + randomComponents + " vs block " + blockComponents);
  }

  @Test
  void drawsDependOnTheSeedOnly() {
    BlockMasking b = BlockMasking.square(8, 0.4, 5);
    assertArrayEquals(b.draw(new SplittableRandom(9)), b.draw(new SplittableRandom(9)));
    assertFalse(Arrays.equals(b.draw(new SplittableRandom(9)), b.draw(new SplittableRandom(10))));
    assertThrows(IllegalArgumentException.class, () -> BlockMasking.square(8, 1.0, 5));
    assertThrows(IllegalArgumentException.class, () -> BlockMasking.square(8, 0.4, 0));
  }

  private static int count(boolean[] m) {
    int n = 0;
    for (boolean v : m) if (v) n++;
    return n;
  }

  private static int withMaskedNeighbour(boolean[] m, int w) {
    int h = m.length / w;
    int n = 0;
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < w; j++) {
        if (!m[i * w + j]) continue;
        boolean any = (i > 0 && m[(i - 1) * w + j]) || (i < h - 1 && m[(i + 1) * w + j]) || (j > 0 && m[i * w + j - 1])
            || (j < w - 1 && m[i * w + j + 1]);
        if (any) n++;
      }
    }
    return n;
  }

  /** 4-connected components of the masked patches. */
  private static int components(boolean[] m, int w) {
    int h = m.length / w;
    boolean[] seen = new boolean[m.length];
    int count = 0;
    int[] stack = new int[m.length];
    for (int s = 0; s < m.length; s++) {
      if (!m[s] || seen[s]) continue;
      count++;
      int top = 0;
      stack[top++] = s;
      seen[s] = true;
      while (top > 0) {
        int p = stack[--top];
        int i = p / w;
        int j = p % w;
        int[] next = {i > 0 ? p - w : -1, i < h - 1 ? p + w : -1, j > 0 ? p - 1 : -1, j < w - 1 ? p + 1 : -1};
        for (int q : next) {
          if (q >= 0 && m[q] && !seen[q]) {
            seen[q] = true;
            stack[top++] = q;
          }
        }
      }
    }
    return count;
  }

  private static boolean[] random(int n, int k, SplittableRandom rng) {
    boolean[] m = new boolean[n];
    for (int chosen = 0; chosen < k; ) {
      int i = rng.nextInt(n);
      if (!m[i]) {
        m[i] = true;
        chosen++;
      }
    }
    return m;
  }
}
