package dev.vlt.data.video;

/**
 * Dense optical flow between two grey frames by Horn and Schunck (1981), coarse to fine: the brightness-constancy
 * equation Ix·u + Iy·v + It = 0 plus a smoothness term weighted by α², solved by their Jacobi iteration
 * u ← ū − Ix·(Ix·ū + Iy·v̄ + It) / (α² + Ix² + Iy²) (v likewise) at each level of an image pyramid, the second frame warped
 * by the flow found so far so that each level solves only for a small increment (displacements of several pixels
 * break the linearisation at full resolution). MOV's flow input; tested against known flow fields.
 *
 * @param alpha the smoothness weight α (in grey levels of [0, 1] images)
 * @param iterations Jacobi iterations per level
 * @param levels pyramid levels (1: full resolution only); each coarser level halves the side
 */
public record HornSchunck(double alpha, int iterations, int levels) {
  public HornSchunck {
    if (!(alpha > 0)) throw new IllegalArgumentException("alpha must be positive, got " + alpha);
    if (iterations < 1) throw new IllegalArgumentException("iterations must be at least 1, got " + iterations);
    if (levels < 1) throw new IllegalArgumentException("levels must be at least 1, got " + levels);
  }

  /** Settings that track ShapesWorld's moves (up to ~4 px a frame at 64 px) with sub-pixel error on textured motion. */
  public static HornSchunck defaults() {
    return new HornSchunck(0.05, 100, 3);
  }

  /** A flow field: u (x displacement) and v (y displacement) in pixels, row-major [h·w] each. */
  public record Flow(int width, int height, float[] u, float[] v) {}

  /**
   * The flow that carries {@code first} onto {@code second}: second(x + u, y + v) ≈ first(x, y).
   *
   * @param first grey values in [0, 1], row-major [height·width]
   */
  public Flow flow(float[] first, float[] second, int width, int height) {
    if (first.length != width * height || second.length != width * height) {
      throw new IllegalArgumentException("frames must hold " + width + "×" + height + " values, got " + first.length + " and "
          + second.length);
    }
    int depth = levels;
    while (depth > 1 && (width >> (depth - 1)) < 8 || depth > 1 && (height >> (depth - 1)) < 8) depth--;
    float[][] pyr1 = new float[depth][], pyr2 = new float[depth][];
    int[] ws = new int[depth], hs = new int[depth];
    pyr1[0] = first;
    pyr2[0] = second;
    ws[0] = width;
    hs[0] = height;
    for (int l = 1; l < depth; l++) {
      ws[l] = ws[l - 1] / 2;
      hs[l] = hs[l - 1] / 2;
      pyr1[l] = halve(pyr1[l - 1], ws[l - 1], hs[l - 1]);
      pyr2[l] = halve(pyr2[l - 1], ws[l - 1], hs[l - 1]);
    }
    float[] u = new float[ws[depth - 1] * hs[depth - 1]], v = new float[u.length];
    for (int l = depth - 1; l >= 0; l--) {
      int w = ws[l], h = hs[l];
      if (l < depth - 1) {                                     // the coarser level's flow, upsampled and doubled
        u = upsample(u, ws[l + 1], hs[l + 1], w, h);
        v = upsample(v, ws[l + 1], hs[l + 1], w, h);
      }
      float[] warped = warp(pyr2[l], u, v, w, h);
      float[][] du = increment(pyr1[l], warped, w, h);
      for (int i = 0; i < u.length; i++) {
        u[i] += du[0][i];
        v[i] += du[1][i];
      }
    }
    return new Flow(width, height, u, v);
  }

  /** Horn–Schunck's iteration for the increment that carries {@code a} onto {@code b} (already nearly aligned). */
  private float[][] increment(float[] a, float[] b, int w, int h) {
    int n = w * h;
    float[] ix = new float[n], iy = new float[n], it = new float[n];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // the derivatives as Horn and Schunck estimate them: first differences averaged over the 2×2×2 cube
        float a00 = at(a, x, y, w, h), a10 = at(a, x + 1, y, w, h), a01 = at(a, x, y + 1, w, h), a11 = at(a, x + 1, y + 1, w, h);
        float b00 = at(b, x, y, w, h), b10 = at(b, x + 1, y, w, h), b01 = at(b, x, y + 1, w, h), b11 = at(b, x + 1, y + 1, w, h);
        int i = y * w + x;
        ix[i] = 0.25f * (a10 - a00 + a11 - a01 + b10 - b00 + b11 - b01);
        iy[i] = 0.25f * (a01 - a00 + a11 - a10 + b01 - b00 + b11 - b10);
        it[i] = 0.25f * (b00 - a00 + b10 - a10 + b01 - a01 + b11 - a11);
      }
    }
    float a2 = (float) (alpha * alpha);
    float[] u = new float[n], v = new float[n], un = new float[n], vn = new float[n];
    for (int k = 0; k < iterations; k++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int i = y * w + x;
          float ub = mean(u, x, y, w, h), vb = mean(v, x, y, w, h);
          float r = (ix[i] * ub + iy[i] * vb + it[i]) / (a2 + ix[i] * ix[i] + iy[i] * iy[i]);
          un[i] = ub - ix[i] * r;
          vn[i] = vb - iy[i] * r;
        }
      }
      float[] t = u;
      u = un;
      un = t;
      t = v;
      v = vn;
      vn = t;
    }
    return new float[][] {u, v};
  }

  /** Horn and Schunck's weighted neighbourhood mean: 1/6 for the 4 edge neighbours, 1/12 for the 4 diagonals. */
  private static float mean(float[] f, int x, int y, int w, int h) {
    float edges = at(f, x - 1, y, w, h) + at(f, x + 1, y, w, h) + at(f, x, y - 1, w, h) + at(f, x, y + 1, w, h);
    float corners = at(f, x - 1, y - 1, w, h) + at(f, x + 1, y - 1, w, h) + at(f, x - 1, y + 1, w, h) + at(f, x + 1, y + 1, w, h);
    return edges / 6f + corners / 12f;
  }

  /** The value at (x, y), clamped to the border. */
  private static float at(float[] f, int x, int y, int w, int h) {
    return f[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))];
  }

  /** Bilinear sample at a real position, clamped to the border. */
  static float sample(float[] f, double x, double y, int w, int h) {
    double cx = Math.min(w - 1, Math.max(0, x)), cy = Math.min(h - 1, Math.max(0, y));
    int x0 = (int) Math.floor(cx), y0 = (int) Math.floor(cy);
    int x1 = Math.min(w - 1, x0 + 1), y1 = Math.min(h - 1, y0 + 1);
    double fx = cx - x0, fy = cy - y0;
    double top = f[y0 * w + x0] * (1 - fx) + f[y0 * w + x1] * fx;
    double bottom = f[y1 * w + x0] * (1 - fx) + f[y1 * w + x1] * fx;
    return (float) (top * (1 - fy) + bottom * fy);
  }

  /** b(x + u, y + v): the second frame pulled back by the flow. */
  private static float[] warp(float[] b, float[] u, float[] v, int w, int h) {
    float[] out = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) out[y * w + x] = sample(b, x + u[y * w + x], y + v[y * w + x], w, h);
    }
    return out;
  }

  /** A 2×2 box average: the next pyramid level. */
  private static float[] halve(float[] f, int w, int h) {
    int w2 = w / 2, h2 = h / 2;
    float[] out = new float[w2 * h2];
    for (int y = 0; y < h2; y++) {
      for (int x = 0; x < w2; x++) {
        out[y * w2 + x] = 0.25f * (f[2 * y * w + 2 * x] + f[2 * y * w + 2 * x + 1] + f[(2 * y + 1) * w + 2 * x] + f[(2 * y + 1) * w + 2 * x + 1]);
      }
    }
    return out;
  }

  /** A coarse flow on the finer grid: sampled bilinearly at the matching position and doubled (pixels are half as big). */
  private static float[] upsample(float[] f, int w, int h, int w2, int h2) {
    float[] out = new float[w2 * h2];
    for (int y = 0; y < h2; y++) {
      for (int x = 0; x < w2; x++) out[y * w2 + x] = 2 * sample(f, (x + 0.5) / 2 - 0.5, (y + 0.5) / 2 - 0.5, w, h);
    }
    return out;
  }

  /** Grey values in [0, 1] of an RGB raster (ITU-R 601 luma, as Pillow's convert("L")). */
  public static float[] grey(dev.vlt.data.image.Raster8 rgb) {
    if (rgb.channels() != 3) throw new IllegalArgumentException("flow needs RGB frames, got " + rgb.channels() + " channels");
    int n = rgb.width() * rgb.height();
    float[] out = new float[n];
    byte[] p = rgb.pixels();
    for (int i = 0; i < n; i++) {
      out[i] = (299 * (p[3 * i] & 0xff) + 587 * (p[3 * i + 1] & 0xff) + 114 * (p[3 * i + 2] & 0xff)) / 1000f / 255f;
    }
    return out;
  }
}
