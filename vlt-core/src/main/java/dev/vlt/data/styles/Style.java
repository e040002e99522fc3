package dev.vlt.data.styles;

import dev.vlt.data.image.Raster8;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Image styles that turn one picture into several domains, for domain generalisation on the emoji art (INDIGO's
 * leave-one-domain-out): each is a deterministic function of the image (and, for the texture, of a per-image key), keeps
 * the image's size, and says how a prompt names a picture of its style ({@link #template}, "{}" standing for the class).
 */
public enum Style {
  /** The art as it is (RGBA: the transparent background is what the frozen CLIP saw in training). */
  ORIGINAL("original", "an emoji of {}"),
  /** Luminance only (ITU-R 601 weights), alpha kept. */
  GREYSCALE("greyscale", "a greyscale emoji of {}"),
  /** Sobel edges of the art over white, drawn dark on white: a line drawing. */
  SKETCH("sketch", "a sketch of {}"),
  /** The alpha mask alone: a black shape on white. */
  SILHOUETTE("silhouette", "a silhouette of {}"),
  /** The art over diagonal stripes whose colours and period come from the image's key. */
  TEXTURED("textured", "an emoji of {} on a textured background"),
  /** Averaged over 4×4 blocks and scaled back with nearest neighbours: a quarter of the resolution. */
  LOWRES("lowres", "a low-resolution emoji of {}");

  /** The block side of {@link #LOWRES}. */
  public static final int BLOCK = 4;

  private final String id;
  private final String template;

  Style(String id, String template) {
    this.id = id;
    this.template = template;
  }

  /** The name data specs and model configs use, e.g. "sketch". */
  public String id() {
    return id;
  }

  /** How a prompt names a picture of this style, "{}" standing for the class name. */
  public String template() {
    return template;
  }

  public static Style of(String id) {
    for (Style s : values()) if (s.id.equals(id)) return s;
    throw new IllegalArgumentException("unknown style '" + id + "'; known: "
        + String.join(", ", Arrays.stream(values()).map(Style::id).toList()));
  }

  /** Every style's name, in declaration order. */
  public static List<String> ids() {
    return Arrays.stream(values()).map(Style::id).toList();
  }

  /**
   * The image in this style, the same size. {@code key} seeds what is drawn rather than derived (the texture), so a
   * sample looks the same every time it is read.
   */
  public Raster8 apply(Raster8 image, long key) {
    Raster8 rgba = rgba(image);
    return switch (this) {
      case ORIGINAL -> image;
      case GREYSCALE -> greyscale(rgba);
      case SKETCH -> sketch(rgba);
      case SILHOUETTE -> silhouette(rgba);
      case TEXTURED -> textured(rgba, key);
      case LOWRES -> lowres(rgba);
    };
  }

  @Override
  public String toString() {
    return id.toLowerCase(Locale.ROOT);
  }

  /** The image as straight-alpha RGBA (opaque when it had no alpha). */
  static Raster8 rgba(Raster8 image) {
    if (image.mode() == Raster8.Mode.RGBA || image.mode() == Raster8.Mode.PALETTE_RGBA) {
      return image.mode() == Raster8.Mode.RGBA ? image : new Raster8(image.width(), image.height(), 4, image.pixels());
    }
    Raster8 rgb = image.toRgb();
    int n = rgb.width() * rgb.height();
    byte[] out = new byte[n * 4];
    for (int i = 0; i < n; i++) {
      System.arraycopy(rgb.pixels(), i * 3, out, i * 4, 3);
      out[i * 4 + 3] = (byte) 255;
    }
    return new Raster8(rgb.width(), rgb.height(), 4, out);
  }

  private static int luma(int r, int g, int b) {
    return (299 * r + 587 * g + 114 * b + 500) / 1000;
  }

  private static Raster8 greyscale(Raster8 im) {
    byte[] p = im.pixels();
    byte[] out = p.clone();
    for (int i = 0; i < p.length; i += 4) {
      byte y = (byte) luma(p[i] & 0xFF, p[i + 1] & 0xFF, p[i + 2] & 0xFF);
      out[i] = y;
      out[i + 1] = y;
      out[i + 2] = y;
    }
    return new Raster8(im.width(), im.height(), 4, out);
  }

  /** The luminance of the image composited over white, [H·W] in 0..255. */
  private static int[] lumaOverWhite(Raster8 im) {
    byte[] p = im.pixels();
    int[] y = new int[im.width() * im.height()];
    for (int i = 0; i < y.length; i++) {
      int a = p[i * 4 + 3] & 0xFF;
      int l = luma(p[i * 4] & 0xFF, p[i * 4 + 1] & 0xFF, p[i * 4 + 2] & 0xFF);
      y[i] = (l * a + 255 * (255 - a) + 127) / 255;
    }
    return y;
  }

  private static Raster8 sketch(Raster8 im) {
    int w = im.width(), h = im.height();
    int[] y = lumaOverWhite(im);
    byte[] out = new byte[w * h * 3];
    for (int r = 0; r < h; r++) {
      for (int c = 0; c < w; c++) {
        // Sobel on the luminance, borders replicated
        int gx = at(y, w, h, c + 1, r - 1) + 2 * at(y, w, h, c + 1, r) + at(y, w, h, c + 1, r + 1)
            - at(y, w, h, c - 1, r - 1) - 2 * at(y, w, h, c - 1, r) - at(y, w, h, c - 1, r + 1);
        int gy = at(y, w, h, c - 1, r + 1) + 2 * at(y, w, h, c, r + 1) + at(y, w, h, c + 1, r + 1)
            - at(y, w, h, c - 1, r - 1) - 2 * at(y, w, h, c, r - 1) - at(y, w, h, c + 1, r - 1);
        int mag = (int) Math.min(255, Math.round(Math.sqrt((double) gx * gx + (double) gy * gy) / 2));
        byte v = (byte) (255 - mag);
        int o = (r * w + c) * 3;
        out[o] = v;
        out[o + 1] = v;
        out[o + 2] = v;
      }
    }
    return new Raster8(w, h, 3, out);
  }

  private static int at(int[] y, int w, int h, int x, int r) {
    return y[Math.max(0, Math.min(h - 1, r)) * w + Math.max(0, Math.min(w - 1, x))];
  }

  private static Raster8 silhouette(Raster8 im) {
    byte[] p = im.pixels();
    int n = im.width() * im.height();
    byte[] out = new byte[n * 3];
    for (int i = 0; i < n; i++) {
      byte v = (p[i * 4 + 3] & 0xFF) >= 128 ? 0 : (byte) 255;
      out[i * 3] = v;
      out[i * 3 + 1] = v;
      out[i * 3 + 2] = v;
    }
    return new Raster8(im.width(), im.height(), 3, out);
  }

  private static Raster8 textured(Raster8 im, long key) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(key);
    int[][] colours = new int[2][3];
    for (int[] col : colours) for (int c = 0; c < 3; c++) col[c] = 40 + rng.nextInt(176);
    int period = 4 + rng.nextInt(9);                 // 4..12 pixels
    boolean rising = rng.nextBoolean();
    int w = im.width(), h = im.height();
    byte[] p = im.pixels();
    byte[] out = new byte[w * h * 3];
    for (int r = 0; r < h; r++) {
      for (int c = 0; c < w; c++) {
        int[] bg = colours[((rising ? c + r : c - r + h) / period) % 2];
        int i = r * w + c;
        int a = p[i * 4 + 3] & 0xFF;
        for (int k = 0; k < 3; k++) out[i * 3 + k] = (byte) (((p[i * 4 + k] & 0xFF) * a + bg[k] * (255 - a) + 127) / 255);
      }
    }
    return new Raster8(w, h, 3, out);
  }

  private static Raster8 lowres(Raster8 im) {
    int w = im.width(), h = im.height();
    byte[] p = im.pixels();
    byte[] out = new byte[p.length];
    for (int by = 0; by < h; by += BLOCK) {
      for (int bx = 0; bx < w; bx += BLOCK) {
        int y1 = Math.min(h, by + BLOCK), x1 = Math.min(w, bx + BLOCK);
        long[] sum = new long[4];      // colours premultiplied by alpha, so transparent pixels do not darken the edge
        for (int y = by; y < y1; y++) {
          for (int x = bx; x < x1; x++) {
            int i = (y * w + x) * 4;
            int a = p[i + 3] & 0xFF;
            for (int k = 0; k < 3; k++) sum[k] += (long) (p[i + k] & 0xFF) * a;
            sum[3] += a;
          }
        }
        int count = (y1 - by) * (x1 - bx);
        byte[] v = new byte[4];
        for (int k = 0; k < 3; k++) v[k] = (byte) (sum[3] == 0 ? 0 : (sum[k] + sum[3] / 2) / sum[3]);
        v[3] = (byte) ((sum[3] + count / 2) / count);
        for (int y = by; y < y1; y++) for (int x = bx; x < x1; x++) System.arraycopy(v, 0, out, (y * w + x) * 4, 4);
      }
    }
    return new Raster8(w, h, 4, out);
  }
}
