package dev.vlt.data.image;

import java.util.Arrays;
import java.util.Locale;

/**
 * Pillow 9's {@code Image.resize(size, filter)} on 8-bit images, ported to the integer: separable antialiased convolution
 * (the kernel stretched by the reduction factor), weights in 22-bit fixed point, each pass rounded and clipped to uint8.
 * Float weights or a single final rounding differ by up to 8 levels; AWT's bicubic (not antialiased) by over 200.
 */
public final class PillowResize {
  private PillowResize() {}

  /** The resampling filters torchvision passes to Pillow. */
  public enum Filter {
    NEAREST(0),
    BILINEAR(1),
    BICUBIC(2);

    final double support;

    Filter(double support) {
      this.support = support;
    }

    double weight(double x) {
      x = Math.abs(x);
      return switch (this) {
        case BILINEAR -> x < 1.0 ? 1.0 - x : 0.0;
        case BICUBIC -> x < 1.0 ? ((A + 2.0) * x - (A + 3.0)) * x * x + 1 : x < 2.0 ? (((x - 5) * x + 8) * x - 4) * A : 0.0;
        case NEAREST -> throw new IllegalStateException("NEAREST has no kernel");
      };
    }

    /** open_clip's interpolation names: "bicubic", "bilinear", "nearest". */
    public static Filter parse(String name) {
      try {
        return valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("interpolation must be bicubic, bilinear or nearest, got '" + name + "'");
      }
    }
  }

  /** Keys' cubic with a = -0.5, Pillow's choice (PyTorch's bicubic uses -0.75). */
  private static final double A = -0.5;
  private static final int PRECISION_BITS = 32 - 8 - 2;

  /**
   * Resizes to {@code width × height}. Returns {@code src} itself when the size already matches (Pillow copies).
   * Palette and bilevel images use NEAREST whatever {@code filter} says, as Pillow does; RGBA is resampled premultiplied.
   */
  public static Raster8 resize(Raster8 src, int width, int height, Filter filter) {
    if (width <= 0 || height <= 0) throw new IllegalArgumentException("resize target must be positive, got " + width + "x" + height);
    if (width == src.width() && height == src.height()) return src;
    if (filter == Filter.NEAREST || src.mode().nearestOnly()) return nearest(src, width, height);
    if (src.mode() == Raster8.Mode.RGBA) return unpremultiply(resample(premultiply(src), width, height, filter));
    return resample(src, width, height, filter);
  }

  private static Raster8 resample(Raster8 src, int width, int height, Filter filter) {
    int ch = src.channels();
    byte[] pixels = src.pixels();
    int inW = src.width();
    Coeffs vert = Coeffs.of(src.height(), height, filter);
    boolean horizontal = width != src.width();
    boolean vertical = height != src.height();
    int firstRow = 0;
    if (horizontal) {
      // Only the rows the vertical pass reads need the horizontal pass (Pillow's ybox_first..ybox_last).
      firstRow = vertical ? vert.start[0] : 0;
      int lastRow = vertical ? vert.start[height - 1] + vert.count[height - 1] : src.height();
      pixels = horizontalPass(pixels, inW, ch, firstRow, lastRow, Coeffs.of(inW, width, filter));
      inW = width;
    }
    if (vertical) pixels = verticalPass(pixels, inW, ch, firstRow, vert);
    return new Raster8(width, height, src.mode(), pixels);
  }

  private static byte[] horizontalPass(byte[] in, int inW, int ch, int firstRow, int lastRow, Coeffs k) {
    int outW = k.start.length;
    byte[] out = new byte[(lastRow - firstRow) * outW * ch];
    int[] acc = new int[ch];
    for (int y = firstRow; y < lastRow; y++) {
      int rowIn = y * inW * ch;
      int rowOut = (y - firstRow) * outW * ch;
      for (int x = 0; x < outW; x++) {
        Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
        int kBase = x * k.size;
        int p = rowIn + k.start[x] * ch;
        for (int t = 0; t < k.count[x]; t++, p += ch) {
          int w = k.weights[kBase + t];
          for (int c = 0; c < ch; c++) acc[c] += (in[p + c] & 0xFF) * w;
        }
        for (int c = 0; c < ch; c++) out[rowOut + x * ch + c] = clip8(acc[c]);
      }
    }
    return out;
  }

  /** {@code firstRow} is the source row that {@code in}'s row 0 holds (after a horizontal pass over a band of rows). */
  private static byte[] verticalPass(byte[] in, int w, int ch, int firstRow, Coeffs k) {
    int outH = k.start.length;
    int stride = w * ch;
    byte[] out = new byte[outH * stride];
    int[] acc = new int[stride];
    for (int y = 0; y < outH; y++) {
      Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
      int kBase = y * k.size;
      for (int t = 0; t < k.count[y]; t++) {
        int wgt = k.weights[kBase + t];
        int p = (k.start[y] - firstRow + t) * stride;
        for (int i = 0; i < stride; i++) acc[i] += (in[p + i] & 0xFF) * wgt;
      }
      int o = y * stride;
      for (int i = 0; i < stride; i++) out[o + i] = clip8(acc[i]);
    }
    return out;
  }

  private static byte clip8(int acc) {
    if (acc >= (1 << PRECISION_BITS << 8)) return (byte) 255;
    if (acc <= 0) return 0;
    return (byte) (acc >> PRECISION_BITS);
  }

  /** Per output index: first tap, tap count and fixed-point weights ({@code size} slots each). Pillow's precompute_coeffs. */
  private record Coeffs(int[] start, int[] count, int[] weights, int size) {
    static Coeffs of(int inSize, int outSize, Filter filter) {
      double scale = (double) inSize / outSize;
      double filterScale = Math.max(scale, 1.0);
      double support = filter.support * filterScale;
      int size = (int) Math.ceil(support) * 2 + 1;
      int[] start = new int[outSize];
      int[] count = new int[outSize];
      int[] weights = new int[outSize * size];
      double[] k = new double[size];
      for (int xx = 0; xx < outSize; xx++) {
        double center = (xx + 0.5) * scale;
        double ss = 1.0 / filterScale; // Pillow multiplies by the reciprocal; dividing can differ in the last bit
        int xmin = Math.max(0, (int) (center - support + 0.5));
        int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
        double sum = 0.0;
        for (int x = 0; x < xmax; x++) {
          k[x] = filter.weight((x + xmin - center + 0.5) * ss);
          sum += k[x];
        }
        for (int x = 0; x < xmax; x++) {
          double v = sum != 0.0 ? k[x] / sum : k[x];
          weights[xx * size + x] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
        }
        start[xx] = xmin;
        count[xx] = xmax;
      }
      return new Coeffs(start, count, weights, size);
    }
  }

  /**
   * Pillow's NEAREST ({@code ImagingScaleAffine}): source index {@code (int)(0.5·scale + i·scale)}, accumulated in double
   * exactly as Pillow adds the step, so rounding at exact halves matches.
   */
  private static Raster8 nearest(Raster8 src, int width, int height) {
    int ch = src.channels();
    int[] xs = nearestIndex(src.width(), width);
    int[] ys = nearestIndex(src.height(), height);
    byte[] in = src.pixels();
    byte[] out = new byte[width * height * ch];
    for (int y = 0; y < height; y++) {
      int rowIn = ys[y] * src.width() * ch;
      for (int x = 0; x < width; x++) System.arraycopy(in, rowIn + xs[x] * ch, out, (y * width + x) * ch, ch);
    }
    return new Raster8(width, height, src.mode(), out);
  }

  private static int[] nearestIndex(int inSize, int outSize) {
    double step = (double) inSize / outSize;
    double pos = step * 0.5;
    int[] idx = new int[outSize];
    for (int i = 0; i < outSize; i++, pos += step) idx[i] = Math.min(inSize - 1, Math.max(0, (int) pos));
    return idx;
  }

  /** Pillow's RGBA → RGBa: each colour becomes c·a/255 rounded (MULDIV255); alpha is kept. */
  private static Raster8 premultiply(Raster8 src) {
    byte[] in = src.pixels();
    byte[] out = new byte[in.length];
    for (int i = 0; i < in.length; i += 4) {
      int a = in[i + 3] & 0xFF;
      for (int c = 0; c < 3; c++) out[i + c] = (byte) Raster8.mulDiv255(in[i + c] & 0xFF, a);
      out[i + 3] = in[i + 3];
    }
    return new Raster8(src.width(), src.height(), Raster8.Mode.RGBA, out);
  }

  /** Pillow's RGBa → RGBA: colours kept where alpha is 0 or 255, else min(255, 255·c / a) in integers. */
  private static Raster8 unpremultiply(Raster8 src) {
    byte[] px = src.pixels();
    for (int i = 0; i < px.length; i += 4) {
      int a = px[i + 3] & 0xFF;
      if (a == 0 || a == 255) continue;
      for (int c = 0; c < 3; c++) px[i + c] = (byte) Math.min(255, 255 * (px[i + c] & 0xFF) / a);
    }
    return src;
  }
}
