package dev.vlt.eval.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vlt.data.Box;
import dev.vlt.data.ImageSource;
import dev.vlt.data.Sample;
import dev.vlt.data.image.Raster8;
import java.util.List;
import org.junit.jupiter.api.Test;

/** mIoU counted by hand on tiny maps; ground truth from a sample's boxes and masks; per-image label sets. */
class SegmentationMetricsTest {
  @Test
  void miouAveragesObjectClassesPresentAndLeavesBackgroundApart() {
    var acc = new SegmentationMetrics.Accumulator(List.of("cat", "dog", "owl"));
    // truth: 2 cat, 2 dog, 4 background; prediction: cat right once, dog right twice, one background pixel called cat
    acc.add(new int[] {1, 1, 2, 2, 0, 0, 0, 0}, new int[] {1, 2, 2, 2, 1, 0, 0, 0});
    SegmentationMetrics m = acc.result();
    // cat: I 1, U 2 + 2 - 1 = 3; dog: I 2, U 2 + 3 - 2 = 3; owl absent from the truth: not averaged
    assertEquals((1.0 / 3 + 2.0 / 3) / 2, m.miou(), 1e-12);
    assertEquals(2, m.classesPresent());
    assertEquals(6.0 / 8, m.pixelAccuracy(), 1e-12);
    assertEquals(3.0 / 4, m.backgroundIou(), 1e-12);  // I 3, U 4 + 3 - 3
    assertEquals((1.0 / 3 + 2.0 / 3 + 3.0 / 4) / 3, m.miouWithBackground(), 1e-12);  // VOC's count: background a class
    assertThrows(IllegalArgumentException.class, () -> acc.add(new int[] {4}, new int[] {0}));
  }

  @Test
  void truthComesFromBoxLabelsAndMasksAndDistractorsFillTheLabelSet() {
    byte[] mask = new byte[16];
    mask[5] = (byte) 255;
    mask[6] = (byte) 255;
    Sample s = new Sample("s", ImageSource.of(new Raster8(4, 4, 3, new byte[48])), List.of("a dog"), Sample.NO_LABEL,
        List.of(new Box(1, 1, 3, 2, "dog")), List.of(new Raster8(4, 4, 1, mask)), "test:0");
    List<String> classes = List.of("cat", "dog", "owl", "eel", "ant");
    SegmentationSet all = SegmentationSet.fromSamples("t", "", List.of(s), classes, n -> "a " + n, 0);
    assertEquals(2, all.truth().get(0)[5]);
    assertEquals(0, all.truth().get(0)[4]);
    assertEquals(5, all.asked().get(0).length);
    assertEquals("a owl", all.prompts().get(2));
    SegmentationSet three = SegmentationSet.fromSamples("t", "", List.of(s), classes, n -> "a " + n, 3);
    int[] asked = three.asked().get(0);
    assertEquals(3, asked.length);
    assertEquals(1, java.util.Arrays.stream(asked).filter(c -> c == 1).count(), "the class shown is always asked");
  }
}
