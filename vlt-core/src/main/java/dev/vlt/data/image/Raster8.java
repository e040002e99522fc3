package dev.vlt.data.image;

import java.util.Objects;

/**
 * A decoded 8-bit image: {@code pixels} holds {@code height × width × channels} bytes, interleaved and row-major
 * ({@code pixels[(y * width + x) * channels + c]}), exactly the samples the file stores, with no colour management.
 *
 * <p>The {@link Mode} records what Pillow would hold for the same file, because open_clip's transform behaves differently
 * per mode: RGBA is resized premultiplied, palette and bilevel images are resized with NEAREST, CMYK converts to RGB only
 * after the resize.
 */
public record Raster8(int width, int height, Mode mode, byte[] pixels) {

  /** Pillow's image modes as vlt holds them; palette images are stored expanded, but remember they were palettes. */
  public enum Mode {
    /** Grayscale ("L"). */
    L(1, false),
    /** "RGB". */
    RGB(3, false),
    /** "RGBA", straight (not premultiplied) alpha; also grayscale+alpha ("LA") with R = G = B. */
    RGBA(4, false),
    /** "CMYK" in Pillow's convention (0 = no ink), as PIL reads Adobe JPEGs. */
    CMYK(4, false),
    /** "P" without transparency, expanded through the palette. */
    PALETTE_RGB(3, true),
    /** "P" with transparency, expanded through the palette with its alpha. */
    PALETTE_RGBA(4, true),
    /** "1", stored as 0 or 255. */
    BILEVEL(1, true);

    private final int channels;
    private final boolean nearestOnly;

    Mode(int channels, boolean nearestOnly) {
      this.channels = channels;
      this.nearestOnly = nearestOnly;
    }

    public int channels() {
      return channels;
    }

    /** Pillow's {@code Image.resize} silently uses NEAREST for "P" and "1" images, whatever filter is asked for. */
    public boolean nearestOnly() {
      return nearestOnly;
    }

    /** The mode a resize result keeps: the same layout, no longer tied to a palette once resampled. */
    static Mode forChannels(int channels) {
      return switch (channels) {
        case 1 -> L;
        case 3 -> RGB;
        case 4 -> RGBA;
        default -> throw new IllegalArgumentException("channels must be 1, 3 or 4, got " + channels);
      };
    }
  }

  public Raster8 {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(pixels, "pixels");
    if (width <= 0 || height <= 0) throw new IllegalArgumentException("raster size must be positive, got " + width + "x" + height);
    long expected = (long) width * height * mode.channels();
    if (pixels.length != expected) {
      throw new IllegalArgumentException("raster " + width + "x" + height + " " + mode + " needs " + expected + " bytes, got " + pixels.length);
    }
  }

  /** A plain L (1), RGB (3) or RGBA (4) raster. */
  public Raster8(int width, int height, int channels, byte[] pixels) {
    this(width, height, Mode.forChannels(channels), pixels);
  }

  public int channels() {
    return mode.channels();
  }

  /** The unsigned sample at (x, y, channel c). */
  public int sample(int x, int y, int c) {
    return pixels[(y * width + x) * mode.channels() + c] & 0xFF;
  }

  /**
   * Pillow's {@code crop((left, top, left + w, top + h))}: the box may extend past the image, where samples are 0 (this is
   * also how torchvision's zero padding before a center crop comes out).
   */
  public Raster8 crop(int left, int top, int w, int h) {
    if (left == 0 && top == 0 && w == width && h == height) return this;
    int ch = mode.channels();
    byte[] out = new byte[w * h * ch];
    int x0 = Math.max(0, -left);
    int x1 = Math.min(w, width - left);
    for (int y = Math.max(0, -top); y < Math.min(h, height - top) && x1 > x0; y++) {
      System.arraycopy(pixels, ((top + y) * width + left + x0) * ch, out, (y * w + x0) * ch, (x1 - x0) * ch);
    }
    return new Raster8(w, h, mode, out);
  }

  /**
   * Pillow's {@code convert('RGB')}: L is replicated, alpha is dropped (no compositing: transparent pixels keep their stored
   * colour), CMYK uses Pillow's {@code cmyk2rgb}. Returns this raster when it already is RGB.
   */
  public Raster8 toRgb() {
    if (mode == Mode.RGB) return this;
    int n = width * height;
    int ch = mode.channels();
    byte[] out = new byte[n * 3];
    for (int i = 0; i < n; i++) {
      int s = i * ch;
      int o = i * 3;
      switch (mode) {
        case L, BILEVEL -> {
          out[o] = pixels[s];
          out[o + 1] = pixels[s];
          out[o + 2] = pixels[s];
        }
        case CMYK -> {
          int notK = 255 - (pixels[s + 3] & 0xFF);
          for (int c = 0; c < 3; c++) out[o + c] = (byte) clip8(notK - mulDiv255(pixels[s + c] & 0xFF, notK));
        }
        default -> System.arraycopy(pixels, s, out, o, 3);
      }
    }
    return new Raster8(width, height, Mode.RGB, out);
  }

  /** Pillow's MULDIV255: a·b/255 rounded, in integers. */
  static int mulDiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  }

  static int clip8(int v) {
    return v < 0 ? 0 : Math.min(v, 255);
  }

  /** The image as an 8-bit RGB {@link java.awt.image.BufferedImage} (grey and alpha converted as {@link #toRgb}). */
  public java.awt.image.BufferedImage toBufferedImage() {
    Raster8 rgb = toRgb();
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(rgb.width(), rgb.height(),
        java.awt.image.BufferedImage.TYPE_INT_RGB);
    byte[] px = rgb.pixels();
    for (int y = 0; y < rgb.height(); y++) {
      for (int x = 0; x < rgb.width(); x++) {
        int i = 3 * (y * rgb.width() + x);
        img.setRGB(x, y, (px[i] & 255) << 16 | (px[i + 1] & 255) << 8 | (px[i + 2] & 255));
      }
    }
    return img;
  }
}
