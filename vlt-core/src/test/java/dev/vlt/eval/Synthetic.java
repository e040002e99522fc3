package dev.vlt.eval;

import java.util.Random;

/** Hand-made embeddings for metric tests: Gaussian noise and labelled Gaussian clusters, all from a seeded Random. */
final class Synthetic {
  private Synthetic() {}

  /** [n, d] standard-normal values. */
  static float[][] gaussian(Random r, int n, int d) {
    float[][] x = new float[n][d];
    for (float[] row : x) for (int j = 0; j < d; j++) row[j] = (float) r.nextGaussian();
    return x;
  }

  /** Row i is {@code centers[labels[i]]} plus N(0, noise²) per coordinate. */
  static float[][] around(Random r, float[][] centers, int[] labels, double noise) {
    float[][] x = new float[labels.length][centers[0].length];
    for (int i = 0; i < labels.length; i++) {
      for (int j = 0; j < x[i].length; j++) x[i][j] = (float) (centers[labels[i]][j] + noise * r.nextGaussian());
    }
    return x;
  }

  /** n labels cycling through 0..classes-1, so every class has n/classes examples. */
  static int[] cycling(int n, int classes) {
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = i % classes;
    return y;
  }

  /**
   * {train, test}: {@code classes} standard-normal centres in {@code dim} dimensions and, around them, {@code train} and
   * {@code test} examples (classes cycling) with N(0, noise²) per coordinate.
   */
  static Labeled[] clusters(Random r, int classes, int dim, int train, int test, double noise) {
    float[][] centers = gaussian(r, classes, dim);
    Labeled[] out = new Labeled[2];
    int[] sizes = {train, test};
    for (int s = 0; s < 2; s++) {
      int[] y = cycling(sizes[s], classes);
      out[s] = new Labeled(around(r, centers, y, noise), y);
    }
    return out;
  }

  /** Identity rows: e_0 … e_{n-1} in d ≥ n dimensions. */
  static float[][] oneHot(int n, int d) {
    float[][] x = new float[n][d];
    for (int i = 0; i < n; i++) x[i][i] = 1;
    return x;
  }
}
