package dev.vlt.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.vlt.nn.Attention;
import dev.vlt.nn.Linear;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** CKA against its kernel (HSIC) form and its invariances, the modality gap on hand-made embeddings, per-head attention. */
class AnalysisMeasuresTest {
  private static double[][] gaussian(Random r, int n, int p) {
    double[][] x = new double[n][p];
    for (double[] row : x) for (int j = 0; j < p; j++) row[j] = r.nextGaussian();
    return x;
  }

  /** CKA as HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)) with linear kernels K = XXᵀ, L = YYᵀ and H = I − 11ᵀ/n. */
  private static double ckaByKernels(double[][] x, double[][] y) {
    double[][] k = centredGram(x);
    double[][] l = centredGram(y);
    return trace(k, l) / Math.sqrt(trace(k, k) * trace(l, l));
  }

  private static double[][] centredGram(double[][] x) {
    int n = x.length;
    double[][] g = new double[n][n];
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) for (int k = 0; k < x[0].length; k++) g[i][j] += x[i][k] * x[j][k];
    double[] row = new double[n];
    double all = 0;
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) { row[i] += g[i][j] / n; all += g[i][j] / ((double) n * n); }
    double[][] c = new double[n][n];
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) c[i][j] = g[i][j] - row[i] - row[j] + all;
    return c;
  }

  private static double trace(double[][] a, double[][] b) {
    double t = 0;
    for (int i = 0; i < a.length; i++) for (int j = 0; j < a.length; j++) t += a[i][j] * b[j][i];
    return t;
  }

  @Test
  void ckaAgreesWithItsKernelFormAndHasItsInvariances() {
    Random r = new Random(1);
    double[][] x = gaussian(r, 40, 6);
    double[][] y = gaussian(r, 40, 3);
    double[][] mixed = new double[40][4];
    for (int i = 0; i < 40; i++) mixed[i] = new double[] {x[i][0] + 0.3 * y[i][0], x[i][1], y[i][1], x[i][2] - x[i][3]};
    assertEquals(ckaByKernels(x, mixed), Cka.linear(x, mixed), 1e-12);
    assertEquals(ckaByKernels(x, y), Cka.linear(x, y), 1e-12);
    assertEquals(1.0, Cka.linear(x, x), 1e-12);
    // a rotation, a scale and a shift do not change it
    double c = Math.cos(0.7);
    double s = Math.sin(0.7);
    double[][] rotated = new double[40][6];
    for (int i = 0; i < 40; i++) {
      rotated[i] = x[i].clone();
      rotated[i][0] = 3 * (c * x[i][0] - s * x[i][1]) + 5;
      rotated[i][1] = 3 * (s * x[i][0] + c * x[i][1]) - 2;
      for (int j = 2; j < 6; j++) rotated[i][j] = 3 * x[i][j] + 1;
    }
    assertEquals(1.0, Cka.linear(x, rotated), 1e-12);
    assertTrue(Cka.linear(x, y) < 0.35, "independent gaussians: " + Cka.linear(x, y));
    assertThrows(IllegalArgumentException.class, () -> Cka.linear(x, gaussian(r, 39, 3)));
  }

  @Test
  void modalityGapOnHandMadeEmbeddings() {
    float[][] a = {{1, 0, 0}, {0, 1, 0}};
    ModalityGap same = ModalityGap.of(a, a);
    assertEquals(0, same.centroidDistance(), 1e-12);
    assertEquals(1, same.matchedCosine(), 1e-12);
    assertEquals(0, same.unmatchedCosine(), 1e-12);
    // every image on e1, every caption on e3 (scaled: normalised here): a gap of √2 and no alignment at all
    ModalityGap apart = ModalityGap.of(new float[][] {{1, 0, 0}, {2, 0, 0}}, new float[][] {{0, 0, 1}, {0, 0, 5}});
    assertEquals(Math.sqrt(2), apart.centroidDistance(), 1e-12);
    assertEquals(0, apart.matchedCosine(), 1e-12);
    ModalityGap swapped = ModalityGap.of(a, new float[][] {{0, 1, 0}, {1, 0, 0}});
    assertEquals(0, swapped.matchedCosine(), 1e-12);
    assertEquals(1, swapped.unmatchedCosine(), 1e-12);
  }

  @Test
  void headOutputsThroughOutProjAreTheLayersOutput() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Attention attn = new Attention(8, 2);
      attn.initialize(m, 4);
      NDArray x = m.randomNormal(new Shape(3, 5, 8));
      NDArray mask = Ops.causalMask(m, 5, x.getDataType());
      AttentionHeads heads = AttentionHeads.of(attn, x, mask);
      assertEquals(new Shape(3, 2, 5, 5), heads.probabilities().getShape());
      assertEquals(new Shape(3, 2, 5, 4), heads.outputs().getShape());
      NDArray mixed = heads.outputs().transpose(0, 2, 1, 3).reshape(3, 5, 8);
      NDArray viaHeads = ((Linear) attn.children().get("out_proj")).forward(mixed);
      float[] expected = attn.forward(x, mask).toFloatArray();
      float[] got = viaHeads.toFloatArray();
      for (int i = 0; i < expected.length; i++) assertEquals(expected[i], got[i], 1e-5, "entry " + i);
      float[] rowSums = heads.probabilities().sum(new int[] {-1}).toFloatArray();
      for (float v : rowSums) assertEquals(1f, v, 1e-5f);
      assertEquals(0f, heads.probabilities().get(new NDIndex(":, :, 1, 2:")).abs().sum().getFloat(), 0f, "causal: no future keys");
    }
  }
}
