package dev.vlt.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransformsTest {
  @Test
  void resizeOutputSizeTruncatesLikeTorchvision() {
    assertArrayEquals(new int[] {95, 64}, EvalTransform.shortestSideSize(640, 427, 64));
    assertArrayEquals(new int[] {166, 64}, EvalTransform.shortestSideSize(448, 172, 64));
    assertArrayEquals(new int[] {64, 95}, EvalTransform.shortestSideSize(427, 640, 64));
    assertArrayEquals(new int[] {298, 224}, EvalTransform.shortestSideSize(500, 375, 224));
  }

  @Test
  void centerCropRoundsHalfToEven() {
    // widths 85, 81, 73 give left 10, 8, 4 (round half up would give 11, 9, 5); 95 gives 16
    int[][] cases = {{85, 10}, {81, 8}, {73, 4}, {95, 16}};
    for (int[] c : cases) {
      Raster8 img = columnIndexImage(c[0], 64);
      assertEquals(c[1], EvalTransform.centerCropOrPad(img, 64).sample(0, 0, 0), "width " + c[0]);
    }
  }

  @Test
  void longestModePadsWithZeroAndSquashStretches() {
    Raster8 wide = solid(100, 50, (byte) 200);
    PreprocessConfig longest = new PreprocessConfig(64, PreprocessConfig.OPENAI_MEAN, PreprocessConfig.OPENAI_STD, "bicubic", "longest");
    byte[] rgb = new EvalTransform(longest).rgbUint8(wide); // resized to 64×32, padded 16 rows above and below
    assertEquals(0, rgb[(15 * 64 + 10) * 3] & 0xFF);
    assertEquals(200, rgb[(16 * 64 + 10) * 3] & 0xFF);
    assertEquals(200, rgb[(47 * 64 + 10) * 3] & 0xFF);
    assertEquals(0, rgb[(48 * 64 + 10) * 3] & 0xFF);

    PreprocessConfig squash = new PreprocessConfig(64, PreprocessConfig.OPENAI_MEAN, PreprocessConfig.OPENAI_STD, "bilinear", "squash");
    byte[] stretched = new EvalTransform(squash).rgbUint8(wide);
    for (int i = 0; i < stretched.length; i++) assertEquals(200, stretched[i] & 0xFF, "squash keeps a flat image flat");
  }

  @Test
  void rgbaIsResizedPremultipliedAndAlphaDroppedWithoutCompositing() {
    // transparent red beside opaque blue: premultiplied, the red never bleeds into the blended pixels
    byte[] px = new byte[8 * 4];
    for (int x = 0; x < 8; x++) {
      boolean red = x < 4;
      px[x * 4] = (byte) (red ? 255 : 0);
      px[x * 4 + 2] = (byte) (red ? 0 : 255);
      px[x * 4 + 3] = (byte) (red ? 0 : 255);
    }
    Raster8 small = PillowResize.resize(new Raster8(8, 1, 4, px), 3, 1, PillowResize.Filter.BICUBIC);
    boolean sawBlend = false;
    for (int x = 0; x < 3; x++) {
      int a = small.sample(x, 0, 3);
      if (a > 0 && a < 255) {
        sawBlend = true;
        assertEquals(0, small.sample(x, 0, 0), "red leaked into pixel " + x + " with alpha " + a);
      }
    }
    assertTrue(sawBlend);
    // convert('RGB') keeps the stored colour of a fully transparent pixel (no white or black background)
    assertArrayEquals(new byte[] {(byte) 255, 0, 0}, java.util.Arrays.copyOf(new Raster8(8, 1, 4, px).toRgb().pixels(), 3));
  }

  @Test
  void bilinearHalvingMatchesHandComputedFixedPoint() {
    // 4 → 2: taps 0..2 with weights 3/7, 3/7, 1/7; 0·w0 + 70·w1 + 140·w2 = 50.5 before the >> 22 truncation
    Raster8 row = new Raster8(4, 1, 1, new byte[] {0, 70, (byte) 140, (byte) 210});
    Raster8 half = PillowResize.resize(row, 2, 1, PillowResize.Filter.BILINEAR);
    assertEquals(50, half.sample(0, 0, 0));
    assertSame(row, PillowResize.resize(row, 4, 1, PillowResize.Filter.BICUBIC), "same size is returned untouched");
  }

  @Test
  void resizingOnlyARegionGivesTheSameBytesAsResizeThenCrop() {
    SplittableRandom rng = new SplittableRandom(11);
    for (Raster8.Mode mode : new Raster8.Mode[] {Raster8.Mode.L, Raster8.Mode.RGB, Raster8.Mode.RGBA, Raster8.Mode.PALETTE_RGB}) {
      byte[] px = new byte[37 * 23 * mode.channels()];
      for (int i = 0; i < px.length; i++) px[i] = (byte) rng.nextInt(256);
      Raster8 src = new Raster8(37, 23, mode, px);
      int[][] sizes = {{20, 12}, {37, 15}, {30, 23}, {61, 40}};
      for (int[] size : sizes) {
        Raster8 full = PillowResize.resize(src, size[0], size[1], PillowResize.Filter.BICUBIC);
        int left = size[0] / 5;
        int top = size[1] / 3;
        Raster8 region = PillowResize.resizeRegion(src, size[0], size[1], PillowResize.Filter.BICUBIC, left, top, size[0] / 2, size[1] / 2);
        assertArrayEquals(full.crop(left, top, size[0] / 2, size[1] / 2).pixels(), region.pixels(), mode + " to " + size[0] + "x" + size[1]);
      }
    }
  }

  @Test
  void trainCropIsSeededAndWithinTorchvisionRanges() {
    SplittableRandom a = new SplittableRandom(7);
    SplittableRandom b = new SplittableRandom(7);
    for (int i = 0; i < 200; i++) {
      TrainTransform.Box box = TrainTransform.sampleBox(500, 375, 0.9, 1.0, a);
      assertEquals(box, TrainTransform.sampleBox(500, 375, 0.9, 1.0, b));
      double fraction = (double) box.width() * box.height() / (500 * 375);
      double ratio = (double) box.width() / box.height();
      assertTrue(fraction > 0.88 && fraction <= 1.0, "area fraction " + fraction);
      assertTrue(ratio > 0.74 && ratio < 1.34, "aspect " + ratio);
      assertTrue(box.left() >= 0 && box.left() + box.width() <= 500 && box.top() >= 0 && box.top() + box.height() <= 375);
    }
    // a 1000×10 strip fits no sampled box: torchvision falls back to a centre crop clamped to ratio 4/3
    assertEquals(new TrainTransform.Box(493, 0, 13, 10), TrainTransform.sampleBox(1000, 10, 0.9, 1.0, new SplittableRandom(1)));

    TrainTransform train = new TrainTransform(PreprocessConfig.openai(32));
    Raster8 img = columnIndexImage(120, 90);
    float[] x1 = new float[3 * 32 * 32];
    float[] x2 = new float[3 * 32 * 32];
    float[] x3 = new float[3 * 32 * 32];
    train.applyInto(img, x1, 0, new SplittableRandom(3));
    train.applyInto(img, x2, 0, new SplittableRandom(3));
    train.applyInto(img, x3, 0, new SplittableRandom(4));
    assertArrayEquals(x1, x2);
    assertNotEquals(java.util.Arrays.toString(x1), java.util.Arrays.toString(x3));
  }

  @Test
  void preprocessConfigReadsOpenClipJson() throws IOException {
    JsonNode cfg = new ObjectMapper().readTree(Fixtures.fixture("clip_e2e_tiny", "open_clip_config.json").toFile()).get("preprocess_cfg");
    PreprocessConfig p = PreprocessConfig.fromJson(cfg, 64);
    assertEquals(64, p.imageSize());
    assertArrayEquals(PreprocessConfig.OPENAI_MEAN, p.mean());
    assertArrayEquals(PreprocessConfig.OPENAI_STD, p.std());
    assertEquals("shortest", p.resizeMode());
    JsonNode bad = new ObjectMapper().readTree("{\"resize_mode\":\"shortest\",\"crop_pct\":0.9}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PreprocessConfig.fromJson(bad, 64));
    assertTrue(e.getMessage().contains("crop_pct"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PreprocessConfig.openai(64).withResizeMode("fit"));
  }

  /** Gray image whose value is the column index (so a crop's left offset is its first sample). */
  private static Raster8 columnIndexImage(int w, int h) {
    byte[] px = new byte[w * h];
    for (int i = 0; i < px.length; i++) px[i] = (byte) (i % w);
    return new Raster8(w, h, 1, px);
  }

  private static Raster8 solid(int w, int h, byte v) {
    byte[] px = new byte[w * h * 3];
    java.util.Arrays.fill(px, v);
    return new Raster8(w, h, 3, px);
  }
}
