package dev.vlt.data.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contact sheets hold every sample at the requested scale, and the picture is really drawn into them. */
class ShapesPreviewTest {
  private final ShapesWorld world = new ShapesWorld();

  @Test
  void sampleSheetShowsEachImageUpscaledWithOutlines() {
    List<ShapesSample> samples = world.samples(Split.TRAIN, 0, 5).toList();
    BufferedImage sheet = ShapesPreview.samples(samples, 3);
    // 5 samples -> 3 columns, 2 rows; each cell two 192-pixel panels
    assertTrue(sheet.getWidth() >= 3 * 2 * 192 && sheet.getWidth() < 3 * 2 * 192 + 200, "width " + sheet.getWidth());
    assertTrue(sheet.getHeight() >= 2 * 192, "height " + sheet.getHeight());
    // sample 0's raw panel starts at (16, 16): its pixel (x, y) fills a 3×3 block
    ShapesSample s = samples.get(0);
    for (int y = 0; y < 64; y += 7) {
      for (int x = 0; x < 64; x += 5) {
        assertEquals(s.pixels()[y * 64 + x], sheet.getRGB(16 + 3 * x + 2, 16 + 3 * y + 1) & 0xFFFFFF, "pixel " + x + "," + y);
      }
    }
    // the annotated panel outlines object 0's box in the first highlight colour
    Box b = s.scene().get(0).box();
    assertEquals(0x00FFFF, sheet.getRGB(16 + 192 + 8 + 3 * b.x0(), 16 + 3 * (b.y0() + b.y1()) / 2) & 0xFFFFFF);
  }

  @Test
  void clipSheetHasARowPerClipAndAFramePerColumn() {
    List<ShapesClip> clips = List.of(world.clip(Split.TRAIN, 0), world.clip(Split.TRAIN, 1));
    BufferedImage sheet = ShapesPreview.clips(clips, 2);
    assertEquals(8 * (128 + 2) - 2 + 16, sheet.getWidth());
    ShapesClip c = clips.get(1);
    int rowTop = sheet.getHeight() / 2 + 4;  // two equal rows after the top padding
    int[] last = c.frames()[7];
    assertEquals(last[10 * 64 + 20], sheet.getRGB(8 + 7 * 130 + 2 * 20, rowTop + 2 * 10) & 0xFFFFFF);
    assertThrows(IllegalArgumentException.class, () -> ShapesPreview.clips(List.of(), 2));
  }
}
