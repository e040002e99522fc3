package dev.vlt.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.data.image.Raster8;
import dev.vlt.data.shapes.ShapesSource;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** --caption-noise: a seeded fraction of captions swapped among samples, nothing else changed. */
class CaptionNoiseTest {
  private static SampleList distinct(int n) {
    List<Sample> s = new ArrayList<>();
    Raster8 px = new Raster8(2, 2, 3, new byte[12]);
    for (int i = 0; i < n; i++) s.add(Sample.of("s" + i, ImageSource.of(px), List.of("caption " + i), i % 3, "test:" + i));
    return new SampleList("distinct", s, List.of("a", "b", "c"));
  }

  @Test
  void swapsTheFractionAmongThemselvesAndKeepsIdsImagesAndLabels() {
    SampleList clean = distinct(200);
    CaptionNoise.Injected noisy = CaptionNoise.inject(clean, 0.2, 7);
    assertEquals(200, noisy.pairs().count());
    assertEquals(40, noisy.swappedIds().size());
    assertEquals(noisy.swappedIds(), noisy.originals().keySet());
    Set<String> before = new TreeSet<>();
    Set<String> after = new TreeSet<>();
    for (int i = 0; i < 200; i++) {
      Sample a = clean.get(i);
      Sample b = noisy.pairs().get(i);
      assertEquals(a.id(), b.id());
      assertEquals(a.label(), b.label());
      assertTrue(a.image() == b.image());
      assertEquals(!a.captions().equals(b.captions()), noisy.swappedIds().contains(a.id()));
      if (noisy.swappedIds().contains(a.id())) assertEquals(a.captions().get(0), noisy.originals().get(a.id()), "the caption before the swap");
      before.addAll(a.captions());
      after.addAll(b.captions());
    }
    assertEquals(before, after, "captions move between samples; none is invented or lost");
    assertEquals(noisy.swappedIds(), CaptionNoise.inject(clean, 0.2, 7).swappedIds(), "the seed fixes the choice");
    assertNotEquals(noisy.swappedIds(), CaptionNoise.inject(clean, 0.2, 8).swappedIds());
    assertTrue(CaptionNoise.inject(clean, 0, 7).swappedIds().isEmpty());
    assertThrows(IllegalArgumentException.class, () -> CaptionNoise.inject(clean, 1.0, 7));
  }

  @Test
  void shapesBecomesItsFirstEpochFixed() {
    ShapesSource shapes = new ShapesSource(new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(16).withObjects(1, 1)),
        Split.TRAIN, 50, 0);
    CaptionNoise.Injected noisy = CaptionNoise.inject(shapes, 0.4, 1);
    assertEquals(50, noisy.pairs().count());
    assertEquals(shapes.get(49).id(), noisy.pairs().get(49).id());
    assertTrue(noisy.swappedIds().size() > 10 && noisy.swappedIds().size() <= 20, "20 chosen, minus swaps of equal captions: "
        + noisy.swappedIds().size());
  }
}
