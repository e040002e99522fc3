package dev.vlt.data.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Builds small image files in memory for decoder and loader tests. */
public final class TestImages {
  private TestImages() {}

  /** Encodes with ImageIO's writer for {@code format} ("png", "jpeg", "gif", "bmp"). */
  public static byte[] encode(BufferedImage img, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(img, format, out)) throw new IllegalStateException("no " + format + " writer for type " + img.getType());
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JPEG from a bare raster: 4 bands give a CMYK JPEG (no Adobe marker), as ImageIO writes it. */
  public static byte[] jpegFromRaster(Raster raster) {
    try {
      ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
        w.setOutput(out);
        w.write(null, new IIOImage(raster, null, null), null);
      }
      w.dispose();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A smooth RGB test picture, {@code w × h}: gradients so JPEG error stays small. */
  public static BufferedImage gradient(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    WritableRaster r = img.getRaster();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) r.setPixel(x, y, new int[] {x * 255 / w, y * 255 / h, (x + y) * 127 / (w + h) + 64});
    }
    return img;
  }

  /** A 4-band byte raster with the given value function per (x, y, band). */
  public static WritableRaster raster4(int w, int h, java.util.function.IntBinaryOperator xy, int[] bandOffsets) {
    WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int v = xy.applyAsInt(x, y);
        r.setPixel(x, y, new int[] {v + bandOffsets[0], v + bandOffsets[1], v + bandOffsets[2], v + bandOffsets[3]});
      }
    }
    return r;
  }

  /** Only a PNG signature, IHDR (8-bit RGB, {@code w × h}) and IEND: enough for a reader to report the dimensions. */
  public static byte[] pngHeaderOnly(int w, int h) {
    ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12).order(ByteOrder.BIG_ENDIAN);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(b, "IHDR", ihdr.array());
    chunk(b, "IEND", new byte[0]);
    return b.array();
  }

  private static void chunk(ByteBuffer b, String type, byte[] data) {
    b.putInt(data.length);
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    b.put(t).put(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    b.putInt((int) crc.getValue());
  }

  /**
   * A lossless WebP (VP8L) with no transforms and "simple" prefix codes: every channel takes one of two values, chosen
   * per pixel by {@code bits[y*w+x]} (bit c selects channel c's second value; channels in A, R, G, B order of argb).
   */
  public static byte[] webpLossless(int w, int h, int argbA, int argbB, int[] select) {
    BitWriter bw = new BitWriter();
    bw.write(0x2f, 8); // VP8L signature
    bw.write(w - 1, 14);
    bw.write(h - 1, 14);
    bw.write(1, 1); // alpha is used
    bw.write(0, 3); // version
    bw.write(0, 1); // no transform
    bw.write(0, 1); // no colour cache
    bw.write(0, 1); // no meta prefix codes
    int[] shifts = {8, 16, 0, 24}; // prefix code order: green, red, blue, alpha
    for (int s : shifts) simpleCode(bw, (argbA >>> s) & 0xFF, (argbB >>> s) & 0xFF);
    simpleCode(bw, 0, 0); // distance code, unused
    for (int i = 0; i < w * h; i++) {
      for (int k = 0; k < 4; k++) {
        int s = shifts[k];
        if (((argbA >>> s) & 0xFF) != ((argbB >>> s) & 0xFF)) bw.write((select[i] >> k) & 1, 1);
      }
    }
    byte[] vp8l = bw.toBytes();
    int padded = vp8l.length + (vp8l.length & 1);
    ByteBuffer b = ByteBuffer.allocate(12 + 8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(4 + 8 + padded);
    b.put("WEBP".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put("VP8L".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.putInt(vp8l.length).put(vp8l);
    return b.array();
  }

  /** A "simple" prefix code of one or two 8-bit symbols; with two, symbol a is bit 0 and b is bit 1. */
  private static void simpleCode(BitWriter bw, int a, int b) {
    bw.write(1, 1); // simple code
    bw.write(a == b ? 0 : 1, 1); // number of symbols - 1
    bw.write(1, 1); // first symbol uses 8 bits
    bw.write(a, 8);
    if (a != b) bw.write(b, 8);
  }

  private static final class BitWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private long acc;
    private int n;

    void write(int value, int bits) {
      acc |= ((long) value & ((1L << bits) - 1)) << n;
      n += bits;
      while (n >= 8) {
        out.write((int) (acc & 0xFF));
        acc >>>= 8;
        n -= 8;
      }
    }

    byte[] toBytes() {
      if (n > 0) out.write((int) (acc & 0xFF));
      acc = 0;
      n = 0;
      return out.toByteArray();
    }
  }
}
