package dev.vlt.data.styles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.data.DataSources;
import dev.vlt.data.Sample;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.Raster8;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The style transforms (deterministic, same size, what each style keeps) and the styled emoji source's domains. */
class StyleTest {
  /** A 12×10 RGBA image: a random opaque disc-like block in the middle, transparent (stored black) around it. */
  static Raster8 picture() {
    int w = 12, h = 10;
    byte[] p = new byte[w * h * 4];
    SplittableRandom rng = new SplittableRandom(7);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = (y * w + x) * 4;
        boolean inside = x >= 3 && x < 9 && y >= 2 && y < 8;
        for (int c = 0; c < 3; c++) p[i + c] = inside ? (byte) rng.nextInt(256) : 0;
        p[i + 3] = inside ? (byte) 255 : (x == 2 && y == 5 ? (byte) 100 : 0);
      }
    }
    return new Raster8(w, h, 4, p);
  }

  @Test
  void everyStyleIsDeterministicAndKeepsTheSize() {
    Raster8 in = picture();
    byte[] before = in.pixels().clone();
    for (Style s : Style.values()) {
      Raster8 a = s.apply(in, 42);
      Raster8 b = s.apply(in, 42);
      assertEquals(in.width(), a.width(), s.id());
      assertEquals(in.height(), a.height(), s.id());
      assertArrayEquals(a.pixels(), b.pixels(), s.id() + " is deterministic");
      if (s != Style.ORIGINAL) assertFalse(Arrays.equals(in.pixels(), a.pixels()), s.id() + " changes the image");
    }
    assertArrayEquals(before, in.pixels(), "the input is not modified");
    assertEquals(in, Style.ORIGINAL.apply(in, 1));
  }

  @Test
  void greyscaleKeepsAlphaAndEqualisesChannels() {
    Raster8 in = picture();
    Raster8 g = Style.GREYSCALE.apply(in, 0);
    for (int i = 0; i < g.pixels().length; i += 4) {
      assertEquals(g.pixels()[i], g.pixels()[i + 1]);
      assertEquals(g.pixels()[i], g.pixels()[i + 2]);
      assertEquals(in.pixels()[i + 3], g.pixels()[i + 3]);
    }
    // ITU-R 601 luma of the first opaque pixel
    int i = (2 * 12 + 3) * 4;
    int r = in.pixels()[i] & 0xFF, gr = in.pixels()[i + 1] & 0xFF, b = in.pixels()[i + 2] & 0xFF;
    assertEquals((299 * r + 587 * gr + 114 * b + 500) / 1000, g.pixels()[i] & 0xFF);
  }

  @Test
  void silhouetteIsTheAlphaMask() {
    Raster8 in = picture();
    Raster8 s = Style.SILHOUETTE.apply(in, 0);
    assertEquals(3, s.channels());
    for (int y = 0; y < in.height(); y++) {
      for (int x = 0; x < in.width(); x++) {
        int expected = in.sample(x, y, 3) >= 128 ? 0 : 255;
        for (int c = 0; c < 3; c++) assertEquals(expected, s.sample(x, y, c), "(" + x + "," + y + ")");
      }
    }
  }

  @Test
  void sketchIsWhiteWhereTheImageIsFlatAndDarkAtEdges() {
    Raster8 in = picture();
    Raster8 s = Style.SKETCH.apply(in, 0);
    assertEquals(255, s.sample(0, 0, 0), "a corner far from the shape is blank paper");
    assertTrue(s.sample(3, 5, 0) < 128, "the shape's left border (white → art) is a dark line: " + s.sample(3, 5, 0));
    byte[] flat = new byte[8 * 8 * 4];
    Arrays.fill(flat, (byte) 200);
    Raster8 f = Style.SKETCH.apply(new Raster8(8, 8, 4, flat), 0);
    for (byte v : f.pixels()) assertEquals(255, v & 0xFF, "a flat image has no edges");
  }

  @Test
  void texturedKeepsOpaqueArtAndDrawsABackgroundFromTheKey() {
    Raster8 in = picture();
    Raster8 a = Style.TEXTURED.apply(in, 1);
    Raster8 b = Style.TEXTURED.apply(in, 2);
    assertEquals(3, a.channels());
    for (int c = 0; c < 3; c++) assertEquals(in.sample(4, 4, c), a.sample(4, 4, c), "opaque art is kept");
    assertNotEquals(Arrays.toString(a.pixels()), Arrays.toString(b.pixels()), "another key, another texture");
    boolean varied = false;
    for (int x = 1; x < in.width(); x++) varied |= a.sample(x, 0, 0) != a.sample(0, 0, 0) || a.sample(x, 0, 1) != a.sample(0, 0, 1);
    assertTrue(varied, "the background is a texture, not one colour");
  }

  @Test
  void lowresIsConstantOverBlocksAndAveragesThem() {
    byte[] p = new byte[8 * 8 * 4];
    for (int i = 0; i < 64; i++) {
      p[i * 4] = (byte) (i % 2 == 0 ? 0 : 200);
      p[i * 4 + 3] = (byte) 255;
    }
    Raster8 l = Style.LOWRES.apply(new Raster8(8, 8, 4, p), 0);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        assertEquals(100, l.sample(x, y, 0), "the mean of the block's 0s and 200s");
        assertEquals(255, l.sample(x, y, 3));
      }
    }
    Raster8 in = picture();   // 12×10: the last block row is 2 pixels high
    Raster8 r = Style.LOWRES.apply(in, 0);
    for (int y = 0; y < in.height(); y++) {
      for (int x = 0; x < in.width(); x++) {
        int bx = x / Style.BLOCK * Style.BLOCK, by = y / Style.BLOCK * Style.BLOCK;
        for (int c = 0; c < 4; c++) assertEquals(r.sample(bx, by, c), r.sample(x, y, c));
      }
    }
  }

  @Test
  void styledEmojiAreOneDomainPerStyle() throws Exception {
    var src = DataSources.open("emoji-styles:test:original,sketch,lowres", SkipReport.quiet());
    EmojiStyles styles = (EmojiStyles) src;
    int n = styles.base().count();
    assertEquals(376, n);
    assertEquals(3 * n, styles.count());
    assertEquals(List.of("original", "sketch", "lowres"), styles.domains());
    assertEquals(9, styles.classNames().size());
    Sample s = styles.get(n + 5);
    assertEquals(1, styles.domain(s));
    assertEquals(styles.base().get(5).label(), s.label());
    assertTrue(s.id().startsWith("sketch/"), s.id());
    assertTrue(s.captions().get(0).startsWith("a sketch of "), s.captions().get(0));
    Raster8 expected = Style.SKETCH.apply(styles.base().get(5).image().load(), styles.base().get(5).id().hashCode());
    assertArrayEquals(expected.pixels(), s.image().load().pixels());
    assertEquals(2, styles.domain(styles.get(3 * n - 1)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataSources.open("emoji-styles:train:original,watercolour", SkipReport.quiet()));
    assertTrue(e.getMessage().contains("watercolour"), e.getMessage());
    assertEquals(Style.values().length * 1530, ((EmojiStyles) DataSources.open("emoji-styles:train", SkipReport.quiet())).count());
  }
}
