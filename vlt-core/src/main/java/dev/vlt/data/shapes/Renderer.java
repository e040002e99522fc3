package dev.vlt.data.shapes;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws scenes into packed 0xRRGGBB rasters. Each object is filled once, anti-aliased, into a reused coverage image; that
 * coverage is both blended into the picture and thresholded into the object's mask, so a mask is exactly the pixels the
 * object paints at least half of. Not thread-safe: one renderer per thread (ShapesWorld keeps one per thread).
 */
final class Renderer {
  /** Coverage at or above this (of 255) puts a pixel in the object's mask. */
  static final int MASK_THRESHOLD = 128;
  /** Texture contrast in grey levels; low, so the texture never looks like an object. */
  private static final int TEXTURE_AMPLITUDE = 14;
  private static final float[] SINE = new float[256];

  static {
    for (int i = 0; i < SINE.length; i++) SINE[i] = (float) Math.sin(2 * Math.PI * i / SINE.length);
  }

  private final int size;
  private final byte[] coverage;
  private final Graphics2D g;
  private final int[] palette = new int[2 * TEXTURE_AMPLITUDE + 1];

  Renderer(int size) {
    this.size = size;
    BufferedImage cov = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
    coverage = ((DataBufferByte) cov.getRaster().getDataBuffer()).getData();
    g = cov.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    // PURE: fill the exact outline; the default stroke normalisation would nudge edges to pixel centres
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.setColor(java.awt.Color.WHITE);
  }

  int size() {
    return size;
  }

  /**
   * Renders scene into rgb [size·size] row-major; when masks is not null, masks[i] [size·size] receives object i's mask.
   */
  void render(Scene scene, int[] rgb, boolean[][] masks) {
    background(scene.background(), rgb);
    for (int i = 0; i < scene.size(); i++) draw(scene.get(i), rgb, masks == null ? null : masks[i]);
  }

  private void draw(ShapeObject o, int[] rgb, boolean[] mask) {
    // one pixel of slack: anti-aliasing may touch the pixel row just past a fractional bound
    int x0 = Math.max(0, o.box().x0() - 1), x1 = Math.min(size, o.box().x1() + 1);
    int y0 = Math.max(0, o.box().y0() - 1), y1 = Math.min(size, o.box().y1() + 1);
    for (int y = y0; y < y1; y++) Arrays.fill(coverage, y * size + x0, y * size + x1, (byte) 0);
    g.fill(o.shape().outline(o.cx(), o.cy(), o.radius()));
    int c = o.color().rgb();
    int cr = c >> 16 & 0xFF, cg = c >> 8 & 0xFF, cb = c & 0xFF;
    if (mask != null) Arrays.fill(mask, false);
    for (int y = y0; y < y1; y++) {
      for (int p = y * size + x0, end = y * size + x1; p < end; p++) {
        int a = coverage[p] & 0xFF;
        if (a == 0) continue;
        int b = rgb[p];
        int r = ((b >> 16 & 0xFF) * (255 - a) + cr * a + 127) / 255;
        int gg = ((b >> 8 & 0xFF) * (255 - a) + cg * a + 127) / 255;
        int bb = ((b & 0xFF) * (255 - a) + cb * a + 127) / 255;
        rgb[p] = r << 16 | gg << 8 | bb;
        if (mask != null && a >= MASK_THRESHOLD) mask[p] = true;
      }
    }
  }

  /** Fills rgb with the background: base colour plus a grey texture offset looked up in a small palette. */
  private void background(Background bg, int[] rgb) {
    int base = bg.rgb();
    for (int d = -TEXTURE_AMPLITUDE; d <= TEXTURE_AMPLITUDE; d++) {
      palette[d + TEXTURE_AMPLITUDE] = channel(base >> 16, d) << 16 | channel(base >> 8, d) << 8 | channel(base, d);
    }
    SplittableRandom r = new SplittableRandom(bg.seed());
    int n = size * size;
    switch (bg.texture()) {
      case PLAIN -> Arrays.fill(rgb, 0, n, base);
      case NOISE -> {
        for (int p = 0; p < n; p++) rgb[p] = palette[r.nextInt(palette.length)];
      }
      case STRIPES -> {
        double angle = r.nextDouble(Math.PI);
        double period = size / 12.0 + r.nextDouble(size / 6.0);
        // phase in sine-table steps per pixel along x and y
        double ux = Math.cos(angle) * SINE.length / period, uy = Math.sin(angle) * SINE.length / period;
        for (int y = 0; y < size; y++) {
          for (int x = 0; x < size; x++) {
            int step = (int) Math.floor(x * ux + y * uy) & (SINE.length - 1);
            rgb[y * size + x] = palette[TEXTURE_AMPLITUDE + Math.round(TEXTURE_AMPLITUDE * SINE[step])];
          }
        }
      }
      case CHECKER -> {
        int cell = Math.max(2, size / 16 + r.nextInt(Math.max(1, size / 8)));
        int hi = palette[2 * TEXTURE_AMPLITUDE * 3 / 4], lo = palette[TEXTURE_AMPLITUDE / 4];
        for (int y = 0; y < size; y++) {
          for (int x = 0; x < size; x++) rgb[y * size + x] = ((x / cell + y / cell) & 1) == 0 ? hi : lo;
        }
      }
      case GRADIENT -> {
        double angle = r.nextDouble(2 * Math.PI);
        double gx = Math.cos(angle) / size, gy = Math.sin(angle) / size;
        for (int y = 0; y < size; y++) {
          for (int x = 0; x < size; x++) {
            double t = Math.max(-1, Math.min(1, (x - size / 2.0) * gx * 2 + (y - size / 2.0) * gy * 2));
            rgb[y * size + x] = palette[TEXTURE_AMPLITUDE + (int) Math.round(t * TEXTURE_AMPLITUDE)];
          }
        }
      }
    }
  }

  private static int channel(int v, int d) {
    return Math.max(0, Math.min(255, (v & 0xFF) + d));
  }
}
