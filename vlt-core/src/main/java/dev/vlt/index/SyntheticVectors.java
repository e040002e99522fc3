package dev.vlt.index;

import java.util.Random;

/**
 * Unit vectors that cluster the way embeddings of a real collection do: {@code clusters} random centres, each point a centre
 * plus isotropic noise. With {@code spread} 0 every point sits on its centre; with a large spread they are uniform on the
 * sphere (the hardest case for HNSW: no neighbourhood structure at all).
 */
public final class SyntheticVectors {
  private SyntheticVectors() {}

  /** [n][dim] unit vectors; {@code spread} is the noise norm relative to the (unit) centre. */
  public static float[][] clustered(int n, int dim, int clusters, double spread, long seed) {
    if (n < 1 || dim < 1 || clusters < 1) throw new IllegalArgumentException("n, dim and clusters must be positive");
    Random rnd = new Random(seed);
    float[][] centres = new float[clusters][];
    for (int c = 0; c < clusters; c++) centres[c] = gaussianUnit(rnd, dim);
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      float[] centre = centres[rnd.nextInt(clusters)];
      float[] noise = gaussianUnit(rnd, dim);
      float[] v = new float[dim];
      for (int j = 0; j < dim; j++) v[j] = (float) (centre[j] + spread * noise[j]);
      out[i] = normalize(v);
    }
    return out;
  }

  /** [n][dim] unit vectors uniform on the sphere. */
  public static float[][] uniform(int n, int dim, long seed) {
    Random rnd = new Random(seed);
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) out[i] = gaussianUnit(rnd, dim);
    return out;
  }

  private static float[] gaussianUnit(Random rnd, int dim) {
    float[] v = new float[dim];
    for (int j = 0; j < dim; j++) v[j] = (float) rnd.nextGaussian();
    return normalize(v);
  }

  static float[] normalize(float[] v) {
    double s = 0;
    for (float x : v) s += x * x;
    float inv = (float) (1 / Math.sqrt(s));
    for (int j = 0; j < v.length; j++) v[j] *= inv;
    return v;
  }
}
