package dev.vlt.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.data.image.BadImageException.Reason;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
  @Test
  void grayPngKeepsRawSamplesNotGammaConverted() {
    BufferedImage img = new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_GRAY);
    for (int i = 0; i < 15; i++) img.getRaster().setSample(i % 5, i / 5, 0, i * 17);
    Raster8 r = ImageDecoder.decode(TestImages.encode(img, "png"), "gray.png");
    assertEquals(Raster8.Mode.L, r.mode());
    for (int i = 0; i < 15; i++) assertEquals(i * 17, r.pixels()[i] & 0xFF, "sample " + i);
    // getRGB would have turned gray 68 into about 145 (Java treats gray as linear light)
    assertEquals(68, r.toRgb().sample(4, 0, 1));
  }

  @Test
  void rgbRgbaAnd16BitPngs() {
    BufferedImage rgb = TestImages.gradient(7, 4);
    Raster8 r = ImageDecoder.decode(TestImages.encode(rgb, "png"), "rgb.png");
    assertEquals(Raster8.Mode.RGB, r.mode());
    assertArrayEquals(rgb.getRaster().getPixel(6, 3, (int[]) null), new int[] {r.sample(6, 3, 0), r.sample(6, 3, 1), r.sample(6, 3, 2)});

    BufferedImage rgba = new BufferedImage(3, 2, BufferedImage.TYPE_4BYTE_ABGR);
    rgba.getRaster().setPixel(2, 1, new int[] {10, 20, 30, 40});
    Raster8 a = ImageDecoder.decode(TestImages.encode(rgba, "png"), "rgba.png");
    assertEquals(Raster8.Mode.RGBA, a.mode());
    assertArrayEquals(new byte[] {10, 20, 30, 40}, Arrays.copyOfRange(a.pixels(), 20, 24));

    BufferedImage gray16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    gray16.getRaster().setSample(1, 0, 0, 0xABCD);
    Raster8 g = ImageDecoder.decode(TestImages.encode(gray16, "png"), "gray16.png");
    assertEquals(Raster8.Mode.L, g.mode());
    assertEquals(0xAB, g.sample(1, 0, 0), "16-bit keeps the high byte");

    java.awt.image.ColorModel grayAlpha = new java.awt.image.ComponentColorModel(java.awt.color.ColorSpace.getInstance(
        java.awt.color.ColorSpace.CS_GRAY), true, false, java.awt.Transparency.TRANSLUCENT, java.awt.image.DataBuffer.TYPE_BYTE);
    BufferedImage la = new BufferedImage(grayAlpha, grayAlpha.createCompatibleWritableRaster(3, 2), false, null);
    la.getRaster().setPixel(1, 1, new int[] {77, 200});
    Raster8 l = ImageDecoder.decode(TestImages.encode(la, "png"), "la.png");
    assertEquals(Raster8.Mode.RGBA, l.mode(), "gray + alpha is held as RGBA");
    assertArrayEquals(new byte[] {77, 77, 77, (byte) 200}, Arrays.copyOfRange(l.pixels(), 16, 20));
  }

  @Test
  void palettesExpandAndResizeNearest() {
    byte[] red = {0, (byte) 200, 5, 9};
    byte[] green = {0, 100, (byte) 250, 9};
    byte[] blue = {0, 50, 7, (byte) 255};
    // 256 entries: ImageIO's writers mis-pack 2-bit BMPs
    IndexColorModel icm = new IndexColorModel(8, 256, Arrays.copyOf(red, 256), Arrays.copyOf(green, 256), Arrays.copyOf(blue, 256));
    BufferedImage img = new BufferedImage(40, 20, BufferedImage.TYPE_BYTE_INDEXED, icm); // ImageIO misreads GIFs of a few pixels
    for (int x = 0; x < 4; x++) img.getRaster().setSample(x, 1, 0, x);
    for (String format : new String[] {"png", "gif", "bmp"}) {
      Raster8 r = ImageDecoder.decode(TestImages.encode(img, format), "p." + format);
      assertTrue(r.mode().nearestOnly(), format + " decodes as a palette image, got " + r.mode());
      for (int x = 0; x < 4; x++) {
        assertEquals(red[x] & 0xFF, r.sample(x, 1, 0), format + " red of index " + x);
        assertEquals(blue[x] & 0xFF, r.sample(x, 1, 2), format + " blue of index " + x);
      }
      // Pillow resizes "P" images with NEAREST even when bicubic is asked: no new colours appear
      Raster8 big = PillowResize.resize(r, 9, 5, PillowResize.Filter.BICUBIC);
      for (int i = 0; i < 45; i++) {
        int v = big.pixels()[i * big.channels()] & 0xFF;
        assertTrue(v == 0 || v == 200 || v == 5 || v == 9, format + ": resized palette image has new red value " + v);
      }
    }
  }

  @Test
  void jpegGrayAndRgbAreRawAndCmykIsInvertedAsPillowReadsIt() {
    BufferedImage gray = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
    for (int i = 0; i < 256; i++) gray.getRaster().setSample(i % 16, i / 16, 0, 128);
    Raster8 g = ImageDecoder.decode(TestImages.encode(gray, "jpeg"), "gray.jpg");
    assertEquals(Raster8.Mode.L, g.mode());
    assertEquals(128, g.sample(7, 7, 0), 1);

    BufferedImage rgb = TestImages.gradient(32, 24);
    Raster8 r = ImageDecoder.decode(TestImages.encode(rgb, "jpeg"), "rgb.jpg");
    assertEquals(Raster8.Mode.RGB, r.mode());
    assertTrue(meanAbsDiff(r, rgb.getRaster(), 3) < 3, "YCbCr converted back to RGB");

    // ImageIO writes 4 bands as a CMYK JPEG; Pillow reads CMYK JPEGs inverted ("CMYK;I", Adobe's convention)
    WritableRaster stored = TestImages.raster4(32, 24, (x, y) -> x * 3 + y * 2, new int[] {20, 60, 100, 10});
    Raster8 c = ImageDecoder.decode(TestImages.jpegFromRaster(stored), "cmyk.jpg");
    assertEquals(Raster8.Mode.CMYK, c.mode());
    WritableRaster inverted = TestImages.raster4(32, 24, (x, y) -> -(x * 3 + y * 2), new int[] {235, 195, 155, 245});
    assertTrue(meanAbsDiff(c, inverted, 4) < 3, "CMYK samples are 255 - stored");
    // Pillow's cmyk2rgb: R = (255 - K) - C·(255 - K)/255
    int notK = 255 - c.sample(0, 0, 3);
    assertEquals(Raster8.clip8(notK - Raster8.mulDiv255(c.sample(0, 0, 0), notK)), c.toRgb().sample(0, 0, 0));
  }

  @Test
  void webpLosslessDecodesToRgba() {
    int a = 0xFF102030;
    int b = 0x80C0D0E0;
    int[] select = {0, 15, 1, 2, 4, 8};
    Raster8 r = ImageDecoder.decode(TestImages.webpLossless(3, 2, a, b, select), "tiny.webp");
    assertEquals(Raster8.Mode.RGBA, r.mode());
    assertEquals(3, r.width());
    assertArrayEquals(new int[] {0x10, 0x20, 0x30, 0xFF}, rgba(r, 0, 0));
    assertArrayEquals(new int[] {0xC0, 0xD0, 0xE0, 0x80}, rgba(r, 1, 0));
    assertArrayEquals(new int[] {0x10, 0xD0, 0x30, 0xFF}, rgba(r, 2, 0), "bit 0 selects green");
  }

  @Test
  void badInputsNameTheSourceAndReason() {
    assertReason(Reason.EMPTY, new byte[0], "empty.png");
    assertReason(Reason.NOT_AN_IMAGE, "hello, I am text\n".getBytes(), "notes.jpg");
    byte[] jpeg = TestImages.encode(TestImages.gradient(200, 150), "jpeg");
    assertReason(Reason.TRUNCATED, Arrays.copyOf(jpeg, jpeg.length / 2), "half.jpg");
    byte[] png = TestImages.encode(TestImages.gradient(200, 150), "png");
    BadImageException e = assertReason(null, Arrays.copyOf(png, png.length / 2), "half.png");
    assertTrue(e.reason() == Reason.TRUNCATED || e.reason() == Reason.CORRUPT, "half a PNG: " + e.getMessage());
    BadImageException big = assertReason(Reason.TOO_LARGE, TestImages.pngHeaderOnly(30000, 30000), "bomb.png");
    assertTrue(big.getMessage().contains("30000x30000"), big.getMessage());
    ImageDecoder.Limits tight = new ImageDecoder.Limits(100, 5000);
    assertThrows(BadImageException.class, () -> ImageDecoder.decode(png, "limited.png", tight));
  }

  private static BadImageException assertReason(Reason reason, byte[] bytes, String source) {
    BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.decode(bytes, source));
    if (reason != null) assertEquals(reason, e.reason(), e.getMessage());
    assertTrue(e.getMessage().startsWith(source + ": "), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e;
  }

  private static int[] rgba(Raster8 r, int x, int y) {
    return new int[] {r.sample(x, y, 0), r.sample(x, y, 1), r.sample(x, y, 2), r.sample(x, y, 3)};
  }

  private static double meanAbsDiff(Raster8 r, java.awt.image.Raster ref, int bands) {
    double sum = 0;
    for (int y = 0; y < r.height(); y++) {
      for (int x = 0; x < r.width(); x++) {
        for (int c = 0; c < bands; c++) sum += Math.abs(r.sample(x, y, c) - ref.getSample(x, y, c));
      }
    }
    return sum / (r.width() * r.height() * bands);
  }
}
