package dev.vlt.nn;

/**
 * Fixed sinusoidal position tables, computed in float64 and rounded to float32 as the reference code does (numpy, then
 * {@code .float()}), row-major [positions, dim]. StrictMath keeps the values identical on every JVM.
 */
public final class SinCos {
  private SinCos() {}

  /**
   * MAE's 2-D table ({@code get_2d_sincos_pos_embed}) for a g×g grid, rows [(cls ? 1 : 0) + g², dim]. Token t = i·g + j
   * (row i, column j) is row (cls ? 1 : 0) + t: {@code [sin(j·ω), cos(j·ω), sin(i·ω), cos(i·ω)]}, four blocks of dim/4 with
   * ω_k = 1 / 10000^(k / (dim/4)). The first half encodes the column: MAE's meshgrid puts w first. The cls row is zeros.
   */
  public static float[] grid2d(int dim, int grid, boolean clsRow) {
    if (dim % 4 != 0) throw new IllegalArgumentException("a 2-D sin-cos table needs a width divisible by 4, got " + dim);
    int quarter = dim / 4;
    double[] omega = new double[quarter];
    for (int k = 0; k < quarter; k++) omega[k] = 1.0 / StrictMath.pow(10000.0, k / (double) quarter);
    int offset = clsRow ? 1 : 0;
    float[] out = new float[(offset + grid * grid) * dim];
    for (int i = 0; i < grid; i++) {
      for (int j = 0; j < grid; j++) {
        int row = (offset + i * grid + j) * dim;
        for (int k = 0; k < quarter; k++) {
          out[row + k] = (float) StrictMath.sin(j * omega[k]);
          out[row + quarter + k] = (float) StrictMath.cos(j * omega[k]);
          out[row + 2 * quarter + k] = (float) StrictMath.sin(i * omega[k]);
          out[row + 3 * quarter + k] = (float) StrictMath.cos(i * omega[k]);
        }
      }
    }
    return out;
  }

  /**
   * The 1-D interleaved table of the original Transformer as VideoMAE computes it ({@code get_sinusoid_encoding_table})
   * over flattened token indices n: angle = n / 10000^(2·⌊j/2⌋ / dim); column j holds sin(angle) if j is even, cos if odd.
   * Rows [positions, dim], no cls row.
   */
  public static float[] sinusoid(int positions, int dim) {
    double[] denominator = new double[dim];
    for (int j = 0; j < dim; j++) denominator[j] = StrictMath.pow(10000.0, 2 * (j / 2) / (double) dim);
    float[] out = new float[positions * dim];
    for (int n = 0; n < positions; n++) {
      for (int j = 0; j < dim; j++) {
        double angle = n / denominator[j];
        out[n * dim + j] = (float) (j % 2 == 0 ? StrictMath.sin(angle) : StrictMath.cos(angle));
      }
    }
    return out;
  }
}
