package dev.vlt.infer;

import dev.vlt.data.image.Raster8;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A per-pixel labelling of an image in its original pixels: {@code values[y·width + x]} is 0 for background and k + 1
 * for label k, so a map holds at most 255 labels and is written as an 8-bit grey PNG with exactly these values.
 *
 * @param labels how many labels the values index (values range over 0..labels)
 */
public record LabelMap(int width, int height, int labels, byte[] values) {
  public static final int MAX_LABELS = 255;

  public LabelMap {
    if (width <= 0 || height <= 0) throw new IllegalArgumentException("label map size must be positive, got " + width + "x" + height);
    if (labels < 1 || labels > MAX_LABELS) throw new IllegalArgumentException("a label map holds 1.." + MAX_LABELS + " labels, got " + labels);
    if (values.length != (long) width * height) throw new IllegalArgumentException("label map " + width + "x" + height + " needs " + (long) width * height + " values, got " + values.length);
  }

  /** The value at (x, y): 0 background, k + 1 label k. */
  public int at(int x, int y) {
    return values[y * width + x] & 0xFF;
  }

  /** Fraction of the pixels per value: [0] background, [k + 1] label k. */
  public double[] fractions() {
    long[] counts = new long[labels + 1];
    for (byte v : values) counts[v & 0xFF]++;
    double[] out = new double[labels + 1];
    for (int i = 0; i < out.length; i++) out[i] = (double) counts[i] / values.length;
    return out;
  }

  /** The map as an 8-bit grey image whose sample values are the label values. */
  public BufferedImage toImage() {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    System.arraycopy(values, 0, data, 0, values.length);
    return img;
  }

  public void writePng(Path file) throws IOException {
    if (!ImageIO.write(toImage(), "png", file.toFile())) throw new IOException("no PNG writer for " + file);
  }

  /** {@code image} (the same size) with each labelled pixel blended half-way towards its label's colour. */
  public BufferedImage overlay(Raster8 image) {
    if (image.width() != width || image.height() != height) {
      throw new IllegalArgumentException("overlay of a " + width + "x" + height + " map on a " + image.width() + "x" + image.height() + " image");
    }
    Raster8 rgb = image.toRgb();
    byte[] px = rgb.pixels();
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int p = y * width + x;
        int r = px[3 * p] & 0xFF, g = px[3 * p + 1] & 0xFF, b = px[3 * p + 2] & 0xFF;
        int v = values[p] & 0xFF;
        if (v > 0) {
          int c = color(v - 1);
          r = (r + (c >> 16 & 0xFF)) / 2;
          g = (g + (c >> 8 & 0xFF)) / 2;
          b = (b + (c & 0xFF)) / 2;
        }
        out.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    return out;
  }

  /** A distinct, saturated colour per label (golden-angle hues), 0xRRGGBB. */
  public static int color(int label) {
    float hue = (float) ((label * 0.618033988749895) % 1.0);
    return java.awt.Color.HSBtoRGB(hue, 0.85f, 0.95f) & 0xFFFFFF;
  }
}
