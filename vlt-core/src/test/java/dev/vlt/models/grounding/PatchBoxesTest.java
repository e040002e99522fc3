package dev.vlt.models.grounding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PatchBoxesTest {
  @Test
  void countsEveryRectangleOfWholePatches() {
    // sides 1..4 on a 4x4 grid: (4+3+2+1)^2 rectangles
    assertEquals(100, PatchBoxes.of(4, 1, 4).size());
    // sides 2..3 on 5x5: positions per side (4 + 3) in each direction
    assertEquals(49, PatchBoxes.of(5, 2, 3).size());
  }

  @Test
  void boxesAreNormalisedCornersOfTheirPatches() {
    PatchBoxes b = PatchBoxes.of(4, 2, 2);
    int[] q = b.rects().get(b.size() - 1); // the bottom-right 2x2
    assertArrayEquals(new int[] {2, 2, 2, 2}, q);
    assertArrayEquals(new float[] {0.5f, 0.5f, 1f, 1f}, b.box(b.size() - 1), 0f);
    assertTrue(b.contains(b.size() - 1, 15));
    assertFalse(b.contains(b.size() - 1, 0));
  }

  @Test
  void theBestBoxIsTheHotBlockNotTheHottestPatchNorTheImage() {
    int g = 6;
    float[] map = new float[g * g];
    for (int r = 1; r <= 3; r++) for (int c = 2; c <= 3; c++) map[r * g + c] = 1f; // a 3x2 hot block
    map[2 * g + 3] = 1.5f; // its hottest patch
    map[5 * g + 0] = 0.2f; // a warm stray patch far away
    PatchBoxes b = PatchBoxes.of(g, 1, g);
    int i = b.best(map);
    assertArrayEquals(new int[] {1, 2, 3, 2}, b.rects().get(i));
  }

  @Test
  void refusesBadGridsAndMaps() {
    assertThrows(IllegalArgumentException.class, () -> PatchBoxes.of(4, 3, 2));
    assertThrows(IllegalArgumentException.class, () -> PatchBoxes.of(4, 5, 6));
    assertThrows(IllegalArgumentException.class, () -> PatchBoxes.of(4, 1, 4).best(new float[15]));
  }
}
