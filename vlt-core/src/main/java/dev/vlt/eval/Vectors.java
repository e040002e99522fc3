package dev.vlt.eval;

/** Row-wise vector maths on plain arrays, accumulated in double so that results do not depend on summation order quirks. */
public final class Vectors {
  private Vectors() {}

  /**
   * Copies {@code x} [N, D] with every row scaled to unit L2 norm. An all-zero row stays zero (as {@code F.normalize}
   * with its epsilon does) rather than becoming NaN.
   */
  /** rows[idx[0]], rows[idx[1]], … (the row arrays are shared, not copied). */
  public static float[][] select(float[][] rows, int[] idx) {
    float[][] out = new float[idx.length][];
    for (int i = 0; i < idx.length; i++) out[i] = rows[idx[i]];
    return out;
  }

  /** v[idx[0]], v[idx[1]], … */
  public static int[] select(int[] v, int[] idx) {
    int[] out = new int[idx.length];
    for (int i = 0; i < idx.length; i++) out[i] = v[idx[i]];
    return out;
  }

  public static float[][] normalize(float[][] x) {
    float[][] out = new float[x.length][];
    for (int i = 0; i < x.length; i++) out[i] = normalize(x[i]);
    return out;
  }

  /** A unit-norm copy of {@code v} [D]; zero stays zero. */
  public static float[] normalize(float[] v) {
    double norm = Math.sqrt(dot(v, v));
    float[] out = new float[v.length];
    if (norm == 0) return out;
    for (int j = 0; j < v.length; j++) out[j] = (float) (v[j] / norm);
    return out;
  }

  public static double dot(float[] a, float[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) s += (double) a[j] * b[j];
    return s;
  }

  /**
   * Cosine similarities [N, M] between the rows of {@code a} [N, D] and {@code b} [M, D]; both are normalised first, so
   * callers may pass raw embeddings.
   */
  public static double[][] cosine(float[][] a, float[][] b) {
    return dots(normalize(a), normalize(b));
  }

  /** Plain dot products [N, M] of the rows of {@code a} [N, D] and {@code b} [M, D]. */
  public static double[][] dots(float[][] a, float[][] b) {
    double[][] s = new double[a.length][b.length];
    for (int i = 0; i < a.length; i++) {
      for (int k = 0; k < b.length; k++) s[i][k] = dot(a[i], b[k]);
    }
    return s;
  }

  /** The transpose [M, N] of {@code s} [N, M]. */
  public static double[][] transpose(double[][] s) {
    double[][] t = new double[s[0].length][s.length];
    for (int i = 0; i < s.length; i++) {
      for (int k = 0; k < s[i].length; k++) t[k][i] = s[i][k];
    }
    return t;
  }

  /** Softmax of each row of {@code logits} [N, C], shifted by the row maximum so large logits cannot overflow. */
  public static double[][] softmax(double[][] logits) {
    double[][] p = new double[logits.length][];
    for (int i = 0; i < logits.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : logits[i]) max = Math.max(max, v);
      double sum = 0;
      p[i] = new double[logits[i].length];
      for (int c = 0; c < p[i].length; c++) sum += p[i][c] = Math.exp(logits[i][c] - max);
      for (int c = 0; c < p[i].length; c++) p[i][c] /= sum;
    }
    return p;
  }
}
