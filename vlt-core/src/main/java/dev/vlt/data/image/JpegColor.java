package dev.vlt.data.image;

import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;

/**
 * Turns the raw components of a JPEG ({@code ImageReader.readRaster}: upsampled, not colour-converted) into what Pillow
 * holds for the file. ImageIO's own {@code read} would apply an embedded ICC profile (Adobe RGB shifts pixels by up to 55
 * levels); Pillow does not, it takes libjpeg-turbo's integer YCbCr→RGB conversion, reproduced here table for table.
 */
final class JpegColor {
  private JpegColor() {}

  /** The stored colour space, decided from the markers by libjpeg's rules ({@code default_decompress_parms}). */
  enum Space { GRAY, YCBCR, RGB, CMYK, YCCK }

  // libjpeg jdcolor.c build_ycc_rgb_table: 16-bit fixed point, indexed by the unsigned sample.
  private static final int SCALE_BITS = 16;
  private static final int[] CR_R = new int[256];
  private static final int[] CB_B = new int[256];
  private static final int[] CR_G = new int[256];
  private static final int[] CB_G = new int[256];

  static {
    long half = 1L << (SCALE_BITS - 1);
    for (int i = 0, x = -128; i < 256; i++, x++) {
      CR_R[i] = (int) ((fix(1.40200) * x + half) >> SCALE_BITS);
      CB_B[i] = (int) ((fix(1.77200) * x + half) >> SCALE_BITS);
      CR_G[i] = (int) (-fix(0.71414) * x);
      CB_G[i] = (int) (-fix(0.34414) * x + half);
    }
  }

  private static long fix(double v) {
    return (long) (v * (1L << SCALE_BITS) + 0.5);
  }

  /**
   * Reads the markers up to the first scan: APP0 "JFIF", APP14 "Adobe" (its transform byte) and the frame's component
   * count and ids.
   */
  static Space space(byte[] jpeg, String source) {
    boolean jfif = false;
    int adobeTransform = -1;
    int[] ids = null;
    int p = 2;
    while (p + 4 <= jpeg.length) {
      if ((jpeg[p] & 0xFF) != 0xFF) break;
      int marker = jpeg[p + 1] & 0xFF;
      if (marker == 0xFF) {
        p++;
        continue;
      }
      if (marker == 0xD8 || marker == 0x01 || marker >= 0xD0 && marker <= 0xD7) {
        p += 2;
        continue;
      }
      if (marker == 0xDA || marker == 0xD9) break;
      int len = ((jpeg[p + 2] & 0xFF) << 8) | (jpeg[p + 3] & 0xFF);
      int body = p + 4;
      int bodyLen = Math.min(len - 2, jpeg.length - body);
      if (marker == 0xE0 && bodyLen >= 5 && startsWith(jpeg, body, "JFIF\0")) jfif = true;
      if (marker == 0xEE && bodyLen >= 12 && startsWith(jpeg, body, "Adobe")) adobeTransform = jpeg[body + 11] & 0xFF;
      boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (frame && bodyLen >= 6) {
        int n = jpeg[body + 5] & 0xFF;
        ids = new int[n];
        for (int i = 0; i < n && body + 6 + 3 * i < jpeg.length; i++) ids[i] = jpeg[body + 6 + 3 * i] & 0xFF;
      }
      p += 2 + len;
    }
    if (ids == null) throw new BadImageException(BadImageException.Reason.CORRUPT, source, "JPEG without a frame header");
    return switch (ids.length) {
      case 1 -> Space.GRAY;
      case 3 -> {
        if (jfif) yield Space.YCBCR;
        if (adobeTransform >= 0) yield adobeTransform == 0 ? Space.RGB : Space.YCBCR;
        yield ids[0] == 'R' && ids[1] == 'G' && ids[2] == 'B' ? Space.RGB : Space.YCBCR;
      }
      case 4 -> adobeTransform == 0 || adobeTransform < 0 ? Space.CMYK : Space.YCCK;
      default -> throw new BadImageException(BadImageException.Reason.CORRUPT, source, "JPEG with " + ids.length + " components");
    };
  }

  private static boolean startsWith(byte[] b, int at, String ascii) {
    for (int i = 0; i < ascii.length(); i++) if (at + i >= b.length || b[at + i] != ascii.charAt(i)) return false;
    return true;
  }

  /** Converts raw JPEG components to Pillow's L, RGB or CMYK (Pillow reads CMYK JPEGs inverted, "CMYK;I"). */
  static Raster8 convert(Raster raw, Space space, String source) {
    int w = raw.getWidth();
    int h = raw.getHeight();
    int bands = raw.getNumBands();
    int expected = switch (space) {
      case GRAY -> 1;
      case YCBCR, RGB -> 3;
      case CMYK, YCCK -> 4;
    };
    if (bands != expected) {
      throw new BadImageException(BadImageException.Reason.CORRUPT, source, "JPEG decoded to " + bands + " bands, expected " + expected);
    }
    Raster8.Mode mode = switch (space) {
      case GRAY -> Raster8.Mode.L;
      case YCBCR, RGB -> Raster8.Mode.RGB;
      case CMYK, YCCK -> Raster8.Mode.CMYK;
    };
    byte[] px = interleaved(raw); // our own copy: converted in place
    switch (space) {
      case GRAY, RGB -> { }
      case YCBCR -> {
        for (int i = 0; i < px.length; i += 3) yccToRgb(px, i);
      }
      case CMYK -> {
        for (int i = 0; i < px.length; i++) px[i] = (byte) (255 - (px[i] & 0xFF));
      }
      case YCCK -> {
        // libjpeg gives CMY = 255 - RGB(YCC) and K unchanged; Pillow then inverts all four.
        for (int i = 0; i < px.length; i += 4) {
          yccToRgb(px, i);
          px[i + 3] = (byte) (255 - (px[i + 3] & 0xFF));
        }
      }
    }
    return new Raster8(w, h, mode, px);
  }

  /** The raster's samples as interleaved bytes; the common layout (bytes, bands in order, no padding) is taken as is. */
  static byte[] interleaved(Raster r) {
    int w = r.getWidth();
    int h = r.getHeight();
    int bands = r.getNumBands();
    if (r.getDataBuffer() instanceof DataBufferByte db && db.getNumBanks() == 1 && r.getSampleModel() instanceof PixelInterleavedSampleModel sm
        && sm.getPixelStride() == bands && sm.getScanlineStride() == w * bands && r.getSampleModelTranslateX() == 0
        && r.getSampleModelTranslateY() == 0 && db.getOffset() == 0 && db.getData().length == w * h * bands && inOrder(sm.getBandOffsets())) {
      return db.getData();
    }
    byte[] out = new byte[w * h * bands];
    int[] row = new int[w * bands];
    for (int y = 0; y < h; y++) {
      r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, row);
      for (int i = 0; i < row.length; i++) out[y * w * bands + i] = (byte) row[i];
    }
    return out;
  }

  private static boolean inOrder(int[] offsets) {
    for (int i = 0; i < offsets.length; i++) if (offsets[i] != i) return false;
    return true;
  }

  /** libjpeg's ycc_rgb_convert, in place on one pixel at {@code i}. */
  private static void yccToRgb(byte[] px, int i) {
    int y = px[i] & 0xFF;
    int cb = px[i + 1] & 0xFF;
    int cr = px[i + 2] & 0xFF;
    px[i] = (byte) Raster8.clip8(y + CR_R[cr]);
    px[i + 1] = (byte) Raster8.clip8(y + ((CB_G[cb] + CR_G[cr]) >> SCALE_BITS));
    px[i + 2] = (byte) Raster8.clip8(y + CB_B[cb]);
  }
}
