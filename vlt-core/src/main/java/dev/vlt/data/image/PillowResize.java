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
    return resizeRegion(src, width, height, filter, 0, 0, width, height);
  }

  /**
   * The {@code w × h} window at ({@code left}, {@code top}) of {@link #resize}'s result, computing only that window: every
   * output pixel depends on its own row of weights alone, so resize-then-crop gives these very bytes, with less work.
   */
  public static Raster8 resizeRegion(Raster8 src, int width, int height, Filter filter, int left, int top, int w, int h) {
    if (width <= 0 || height <= 0) throw new IllegalArgumentException("resize target must be positive, got " + width + "x" + height);
    if (left < 0 || top < 0 || w <= 0 || h <= 0 || left + w > width || top + h > height) {
      throw new IllegalArgumentException("region " + w + "x" + h + "+" + left + "+" + top + " is not inside " + width + "x" + height);
    }
    if (width == src.width() && height == src.height()) return src.crop(left, top, w, h);
    if (filter == Filter.NEAREST || src.mode().nearestOnly()) return nearest(src, width, height, left, top, w, h);
    if (src.mode() == Raster8.Mode.RGBA) return unpremultiply(resample(premultiply(src), width, height, filter, left, top, w, h));
    return resample(src, width, height, filter, left, top, w, h);
  }

  private static Raster8 resample(Raster8 src, int width, int height, Filter filter, int left, int top, int w, int h) {
    int ch = src.channels();
    boolean horizontal = width != src.width();
    Coeffs vert = height != src.height() ? Coeffs.of(src.height(), height, filter) : null;
    // The source rows the output rows read (Pillow's ybox_first..ybox_last, narrowed to the region).
    int firstRow = vert == null ? top : vert.start[top];
    int lastRow = vert == null ? top + h : vert.start[top + h - 1] + vert.count[top + h - 1];
    byte[] band = horizontal
        ? horizontalPass(src.pixels(), src.width(), ch, firstRow, lastRow, Coeffs.of(src.width(), width, filter), left, w)
        : src.crop(left, firstRow, w, lastRow - firstRow).pixels();
    byte[] out = vert == null ? band : verticalPass(band, w, ch, firstRow, vert, top, h);
    return new Raster8(w, h, src.mode(), out);
  }

  /** Rows [firstRow, lastRow) of the source, output columns [left, left + w); 1, 3 and 4 channels unrolled for speed. */
  private static byte[] horizontalPass(byte[] in, int inW, int ch, int firstRow, int lastRow, Coeffs k, int left, int w) {
    byte[] out = new byte[(lastRow - firstRow) * w * ch];
    final int half = 1 << (PRECISION_BITS - 1);
    for (int y = firstRow; y < lastRow; y++) {
      int rowIn = y * inW * ch;
      int o = (y - firstRow) * w * ch;
      for (int x = left; x < left + w; x++) {
        int kBase = x * k.size;
        int n = k.count[x];
        int p = rowIn + k.start[x] * ch;
        int a0 = half;
        int a1 = half;
        int a2 = half;
        int a3 = half;
        for (int t = 0; t < n; t++, p += ch) {
          int wt = k.weights[kBase + t];
          a0 += (in[p] & 0xFF) * wt;
          if (ch >= 3) {
            a1 += (in[p + 1] & 0xFF) * wt;
            a2 += (in[p + 2] & 0xFF) * wt;
            if (ch == 4) a3 += (in[p + 3] & 0xFF) * wt;
          }
        }
        out[o++] = clip8(a0);
        if (ch >= 3) {
          out[o++] = clip8(a1);
          out[o++] = clip8(a2);
          if (ch == 4) out[o++] = clip8(a3);
        }
      }
    }
    return out;
  }

  /** {@code in} row 0 holds source row {@code firstRow}; writes output rows [top, top + h). */
  private static byte[] verticalPass(byte[] in, int w, int ch, int firstRow, Coeffs k, int top, int h) {
    int stride = w * ch;
    byte[] out = new byte[h * stride];
    int[] acc = new int[stride];
    for (int y = top; y < top + h; y++) {
      Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
      int kBase = y * k.size;
      for (int t = 0; t < k.count[y]; t++) {
        int wgt = k.weights[kBase + t];
        int p = (k.start[y] - firstRow + t) * stride;
        for (int i = 0; i < stride; i++) acc[i] += (in[p + i] & 0xFF) * wgt;
      }
      int o = (y - top) * stride;
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
  private static Raster8 nearest(Raster8 src, int width, int height, int left, int top, int w, int h) {
    int ch = src.channels();
    int[] xs = nearestIndex(src.width(), width);
    int[] ys = nearestIndex(src.height(), height);
    byte[] in = src.pixels();
    byte[] out = new byte[w * h * ch];
    for (int y = 0; y < h; y++) {
      int rowIn = ys[top + y] * src.width() * ch;
      for (int x = 0; x < w; x++) System.arraycopy(in, rowIn + xs[left + x] * ch, out, (y * w + x) * ch, ch);
    }
    return new Raster8(w, h, src.mode(), out);
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
