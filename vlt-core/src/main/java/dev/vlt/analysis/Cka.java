package dev.vlt.analysis;

/**
 * Linear centered kernel alignment (Kornblith et al., "Similarity of Neural Network Representations Revisited", ICML
 * 2019): for representations X [N, p] and Y [N, q] of the same N examples, centred per column,
 * {@code CKA = ‖YᵀX‖²_F / (‖XᵀX‖_F · ‖YᵀY‖_F)}. It is 1 when one is an isotropic scaling plus rotation of the other, near
 * 0 for unrelated representations, invariant to orthogonal transforms and isotropic scaling, and compares spaces of
 * different width. Here example i is a matched image-text pair, X its image-side and Y its text-side representation.
 */
public final class Cka {
  private Cka() {}

  /** x [N][p], y [N][q] with N ≥ 2 → CKA in [0, 1]; 0 when either side is constant. */
  public static double linear(double[][] x, double[][] y) {
    if (x.length != y.length || x.length < 2) {
      throw new IllegalArgumentException("CKA needs the same N ≥ 2 examples on both sides, got " + x.length + " and " + y.length);
    }
    double[][] xc = centred(x);
    double[][] yc = centred(y);
    double xy = crossNormSquared(yc, xc);
    double xx = Math.sqrt(crossNormSquared(xc, xc));
    double yy = Math.sqrt(crossNormSquared(yc, yc));
    return xx == 0 || yy == 0 ? 0 : xy / (xx * yy);
  }

  private static double[][] centred(double[][] a) {
    int n = a.length;
    int p = a[0].length;
    double[] mean = new double[p];
    for (double[] row : a) for (int j = 0; j < p; j++) mean[j] += row[j] / n;
    double[][] out = new double[n][p];
    for (int i = 0; i < n; i++) for (int j = 0; j < p; j++) out[i][j] = a[i][j] - mean[j];
    return out;
  }

  /** ‖aᵀb‖²_F for a [N, p], b [N, q]. */
  private static double crossNormSquared(double[][] a, double[][] b) {
    int p = a[0].length;
    int q = b[0].length;
    double sum = 0;
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < q; j++) {
        double dot = 0;
        for (int n = 0; n < a.length; n++) dot += a[n][i] * b[n][j];
        sum += dot * dot;
      }
    }
    return sum;
  }
}
