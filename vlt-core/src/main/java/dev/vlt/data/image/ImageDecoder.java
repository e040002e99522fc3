package dev.vlt.data.image;

import dev.vlt.data.image.BadImageException.Reason;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG, JPEG (CMYK too), GIF, BMP and WebP into the samples Pillow's {@code Image.open} would hold: raw raster
 * values (never {@code getRGB}, which treats gray as linear light), no ICC colour management, no EXIF rotation.
 * Dimensions are checked from the header before any pixel is decoded, so a decompression bomb costs nothing.
 */
public final class ImageDecoder {
  private ImageDecoder() {}

  /** The largest image accepted: a side above {@code maxSide} or more than {@code maxPixels} pixels is refused. */
  public record Limits(int maxSide, long maxPixels) {
    public static final Limits DEFAULT = new Limits(16384, 100_000_000L);

    public Limits {
      if (maxSide <= 0 || maxPixels <= 0) throw new IllegalArgumentException("image limits must be positive: " + maxSide + ", " + maxPixels);
    }
  }

  private enum Format { PNG, JPEG, GIF, BMP, WEBP, OTHER }

  public static Raster8 decode(Path file) throws IOException {
    return decode(Files.readAllBytes(file), file.toString(), Limits.DEFAULT);
  }

  public static Raster8 decode(byte[] bytes, String source) {
    return decode(bytes, source, Limits.DEFAULT);
  }

  /** @throws BadImageException naming {@code source}: empty, not an image, too large, truncated or corrupt */
  public static Raster8 decode(byte[] bytes, String source, Limits limits) {
    if (bytes.length == 0) throw new BadImageException(Reason.EMPTY, source, null);
    Format format = sniff(bytes);
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      ImageReader reader = readerFor(format, in);
      if (reader == null) throw new BadImageException(Reason.NOT_AN_IMAGE, source, "unrecognised format");
      List<String> warnings = new ArrayList<>();
      try {
        reader.setInput(in, true, true);
        reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
        checkLimits(reader.getWidth(0), reader.getHeight(0), limits, source);
        Raster8 raster = format == Format.JPEG
            ? JpegColor.convert(reader.readRaster(0, null), JpegColor.space(bytes, source), source)
            : fromImage(reader.read(0), format, bytes, source);
        for (String w : warnings) {
          String lower = w.toLowerCase(Locale.ROOT);
          if (lower.contains("truncat") || lower.contains("premature end")) throw new BadImageException(Reason.TRUNCATED, source, w);
        }
        return raster;
      } finally {
        reader.dispose();
      }
    } catch (BadImageException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new BadImageException(isTruncation(e) ? Reason.TRUNCATED : Reason.CORRUPT, source, oneLine(e));
    }
  }

  private static void checkLimits(int w, int h, Limits limits, String source) {
    if (w <= 0 || h <= 0) throw new BadImageException(Reason.CORRUPT, source, "header says " + w + "x" + h);
    if (w > limits.maxSide() || h > limits.maxSide() || (long) w * h > limits.maxPixels()) {
      throw new BadImageException(Reason.TOO_LARGE, source,
          w + "x" + h + " exceeds the limit of " + limits.maxSide() + " per side and " + limits.maxPixels() + " pixels");
    }
  }

  private static Format sniff(byte[] b) {
    if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') return Format.PNG;
    if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) return Format.JPEG;
    if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') return Format.GIF;
    if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') return Format.BMP;
    if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
      return Format.WEBP;
    }
    return Format.OTHER;
  }

  private static ImageReader readerFor(Format format, ImageInputStream in) {
    Iterator<ImageReader> readers = format == Format.OTHER
        ? ImageIO.getImageReaders(in)
        : ImageIO.getImageReadersByFormatName(format.name().toLowerCase(Locale.ROOT));
    return readers.hasNext() ? readers.next() : null;
  }

  /** Raster samples to Pillow's mode for the file: palettes expand through the palette, 16-bit keeps the high byte. */
  private static Raster8 fromImage(BufferedImage img, Format format, byte[] bytes, String source) {
    int w = img.getWidth();
    int h = img.getHeight();
    Raster r = img.getRaster();
    if (img.getColorModel() instanceof IndexColorModel icm) return expandPalette(r, icm, format, bytes);
    int bands = r.getNumBands();
    boolean packed = !(img.getColorModel() instanceof ComponentColorModel);
    if (packed) return fromArgb(img, img.getColorModel().hasAlpha());
    int shift = r.getTransferType() == DataBuffer.TYPE_USHORT ? 8 : r.getTransferType() == DataBuffer.TYPE_BYTE ? 0 : -1;
    if (shift < 0) throw new BadImageException(Reason.CORRUPT, source, "unsupported sample type " + r.getTransferType());
    // Pillow holds a gray (type 0) or RGB (type 2) PNG as L or RGB even when a tRNS chunk makes ImageIO add alpha.
    boolean fileHasNoAlpha = format == Format.PNG && (pngColorType(bytes) == 0 || pngColorType(bytes) == 2);
    Raster8.Mode mode = switch (bands) {
      case 1 -> Raster8.Mode.L;
      case 2 -> fileHasNoAlpha ? Raster8.Mode.L : Raster8.Mode.RGBA;
      case 3 -> Raster8.Mode.RGB;
      case 4 -> fileHasNoAlpha ? Raster8.Mode.RGB : Raster8.Mode.RGBA;
      default -> throw new BadImageException(Reason.CORRUPT, source, bands + " colour bands");
    };
    int ch = mode.channels();
    // output channel c takes source band from[c]; gray + alpha ("LA") becomes RGBA with R = G = B = L, as Pillow converts it
    int[] from = bands == 2 && ch == 4 ? new int[] {0, 0, 0, 1} : new int[] {0, 1, 2, 3};
    byte[] out = new byte[w * h * ch];
    int[] row = new int[w * bands];
    for (int y = 0; y < h; y++) {
      r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, row);
      for (int x = 0; x < w; x++) {
        int s = x * bands;
        int o = (y * w + x) * ch;
        for (int c = 0; c < ch; c++) out[o + c] = (byte) (row[s + from[c]] >> shift);
      }
    }
    return new Raster8(w, h, mode, out);
  }

  private static Raster8 expandPalette(Raster r, IndexColorModel icm, Format format, byte[] bytes) {
    int w = r.getWidth();
    int h = r.getHeight();
    if (format == Format.PNG && pngColorType(bytes) == 0) {
      // 1/2/4-bit grayscale PNG: ImageIO shows it as a gray palette. Pillow holds 1-bit as "1", 2/4-bit as "L".
      Raster8.Mode mode = pngBitDepth(bytes) == 1 ? Raster8.Mode.BILEVEL : Raster8.Mode.L;
      byte[] out = new byte[w * h];
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, 0, row);
        for (int x = 0; x < w; x++) out[y * w + x] = (byte) icm.getRed(row[x]);
      }
      return new Raster8(w, h, mode, out);
    }
    boolean alpha = icm.hasAlpha();
    Raster8.Mode mode = alpha ? Raster8.Mode.PALETTE_RGBA : Raster8.Mode.PALETTE_RGB;
    int ch = mode.channels();
    byte[] out = new byte[w * h * ch];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, 0, row);
      for (int x = 0; x < w; x++) {
        int i = row[x];
        int o = (y * w + x) * ch;
        out[o] = (byte) icm.getRed(i);
        out[o + 1] = (byte) icm.getGreen(i);
        out[o + 2] = (byte) icm.getBlue(i);
        if (alpha) out[o + 3] = (byte) icm.getAlpha(i);
      }
    }
    return new Raster8(w, h, mode, out);
  }

  /** Packed-pixel images (16/32-bit BMP): the sRGB colour model's getRGB only unpacks bit fields, no conversion. */
  private static Raster8 fromArgb(BufferedImage img, boolean alpha) {
    int w = img.getWidth();
    int h = img.getHeight();
    int ch = alpha ? 4 : 3;
    byte[] out = new byte[w * h * ch];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      img.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int argb = row[x];
        int o = (y * w + x) * ch;
        out[o] = (byte) (argb >> 16);
        out[o + 1] = (byte) (argb >> 8);
        out[o + 2] = (byte) argb;
        if (alpha) out[o + 3] = (byte) (argb >>> 24);
      }
    }
    return new Raster8(w, h, ch, out);
  }

  private static int pngColorType(byte[] png) {
    return png.length > 25 ? png[25] & 0xFF : -1;
  }

  private static int pngBitDepth(byte[] png) {
    return png.length > 24 ? png[24] & 0xFF : -1;
  }

  private static boolean isTruncation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof EOFException) return true;
      String m = t.getMessage();
      if (m != null && (m.contains("Unexpected end") || m.toLowerCase(Locale.ROOT).contains("truncat"))) return true;
    }
    return false;
  }

  private static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return m.replaceAll("\\s+", " ").trim();
  }
}
