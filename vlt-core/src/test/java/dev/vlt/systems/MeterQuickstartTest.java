package dev.vlt.systems;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Retrieval by matching score: R@1 both ways, identical captions counted alike, and the chance of a random pick. */
class MeterQuickstartTest {
  @Test
  void ranksEachQueryByItsRowOrColumn() {
    // 3 images; images 0 and 2 share their caption. p[i·3 + j] = P(match | image i, caption j)
    List<String> captions = List.of("a red circle", "a blue square", "a red circle");
    float[] p = {
        0.1f, 0.2f, 0.9f,   // image 0: best caption 2 (the same words as its own: a hit)
        0.8f, 0.3f, 0.1f,   // image 1: best caption 0 (a miss)
        0.2f, 0.1f, 0.4f};  // image 2: best caption 2 (a hit)
    MeterQuickstart.Retrieval r = MeterQuickstart.Retrieval.of(p, captions);
    // caption 0 → column 0: image 1 (0.8) wins, a miss; caption 1 → column 1: image 1 (0.3), a hit; caption 2 → column 2:
    // image 0 (0.9), a hit (same caption)
    assertEquals(2 / 3.0, r.textToImage(), 1e-12);
    assertEquals(2 / 3.0, r.imageToText(), 1e-12);
    assertEquals((2 / 3.0 + 1 / 3.0 + 2 / 3.0) / 3, r.chance(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> MeterQuickstart.Retrieval.of(new float[4], captions));
  }
}
