package dev.vlt.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The geometry agrees with what EvalTransform actually does to a bright rectangle, in every resize mode, and inverts. */
class ImageGeometryTest {
  /** A black w×h RGB image with a white rectangle covering columns x0..x1-1 and rows y0..y1-1. */
  static Raster8 rectangle(int w, int h, int x0, int y0, int x1, int y1) {
    byte[] px = new byte[w * h * 3];
    for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) for (int c = 0; c < 3; c++) px[(y * w + x) * 3 + c] = (byte) 255;
    return new Raster8(w, h, 3, px);
  }

  /** The bounding box of pixels brighter than half in an RGB uint8 S×S image: {x0, y0, x1, y1} (ends exclusive). */
  static float[] bright(byte[] rgb, int s) {
    int x0 = s, y0 = s, x1 = 0, y1 = 0;
    for (int y = 0; y < s; y++) {
      for (int x = 0; x < s; x++) {
        if ((rgb[(y * s + x) * 3] & 0xFF) > 127) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x + 1);
          y1 = Math.max(y1, y + 1);
        }
      }
    }
    return new float[] {x0, y0, x1, y1};
  }

  @Test
  void mapsBoxesWhereTheTransformPutsThem() {
    Raster8 img = rectangle(200, 100, 120, 30, 180, 90);                 // wide image, rectangle on the right
    for (String mode : List.of("longest", "squash", "shortest")) {
      PreprocessConfig cfg = PreprocessConfig.openai(64).withResizeMode(mode);
      float[] seen = bright(new EvalTransform(cfg).rgbUint8(img), 64);
      float[] predicted = ImageGeometry.of(200, 100, cfg).toInput(new float[] {120, 30, 180, 90});
      for (int k = 0; k < 4; k++) {
        float want = Math.max(0, Math.min(64, predicted[k]));
        assertEquals(want, seen[k], 1.0, mode + " coordinate " + k + ": " + java.util.Arrays.toString(seen) + " vs "
            + java.util.Arrays.toString(predicted));
      }
    }
  }

  @Test
  void longestPadsTallImagesAndInverts() {
    PreprocessConfig cfg = PreprocessConfig.openai(64).withResizeMode("longest");
    ImageGeometry g = ImageGeometry.of(50, 200, cfg);                      // ratio 200/64: 16×64 content, 24 px padding left
    assertEquals(24, g.ox(), 1e-9);
    assertEquals(0, g.oy(), 1e-9);
    float[] box = {10, 20, 40, 180};
    assertArrayEquals(box, g.toOriginal(g.toInput(box)), 1e-3f);
    float[] clamped = g.toOriginal(new float[] {0, 0, 64, 64});            // the whole input frame: padding clamped away
    assertArrayEquals(new float[] {0, 0, 50, 200}, clamped, 0.5f);
    assertTrue(g.sx() > 0 && g.sy() > 0);
  }
}
