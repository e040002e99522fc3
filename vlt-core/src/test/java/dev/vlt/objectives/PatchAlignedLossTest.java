package dev.vlt.objectives;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.Ops;
import org.junit.jupiter.api.Test;

/** PACL's compatibility against a plain loop over (image, text, patch), and its reduction to CLIP's loss with one patch. */
class PatchAlignedLossTest {
  @Test
  void batchedCompatibilityEqualsThePairByPairDefinition() {
    try (NDManager m = NDManager.newBaseManager()) {
      int b = 3, p = 5, e = 4;
      m.getEngine().setRandomSeed(11);
      NDArray patches = m.randomNormal(new Shape(b, p, e)).toType(DataType.FLOAT64, false);
      NDArray text = Ops.l2Normalize(m.randomNormal(new Shape(b, e)).toType(DataType.FLOAT64, false));
      NDArray scale = m.create(7.0);
      double[] got = PatchAlignedLoss.compatibility(patches, text, scale).toDoubleArray();
      double[] x = patches.toDoubleArray();
      double[] t = text.toDoubleArray();
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < b; j++) {
          double[][] unit = new double[p][e];
          double[] w = new double[p];
          double z = 0;
          for (int q = 0; q < p; q++) {
            double n = 0;
            for (int d = 0; d < e; d++) n += x[(i * p + q) * e + d] * x[(i * p + q) * e + d];
            double cos = 0;
            for (int d = 0; d < e; d++) {
              unit[q][d] = x[(i * p + q) * e + d] / Math.sqrt(n);
              cos += unit[q][d] * t[j * e + d];
            }
            w[q] = Math.exp(7.0 * cos);
            z += w[q];
          }
          double[] pooled = new double[e];
          for (int q = 0; q < p; q++) for (int d = 0; d < e; d++) pooled[d] += w[q] / z * unit[q][d];
          double dot = 0, norm = 0;
          for (int d = 0; d < e; d++) {
            dot += pooled[d] * t[j * e + d];
            norm += pooled[d] * pooled[d];
          }
          assertEquals(dot / Math.sqrt(norm), got[i * b + j], 1e-12, "image " + i + ", text " + j);
        }
      }
    }
  }

  @Test
  void withOnePatchItIsClipsContrastiveLoss() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(3);
      NDArray image = m.randomNormal(new Shape(4, 8));
      NDArray text = Ops.l2Normalize(m.randomNormal(new Shape(4, 8)));
      NDArray scale = m.create(10f);
      double pacl = PatchAlignedLoss.compute(image.expandDims(1), text, scale).total().getFloat();
      double clip = ContrastiveLoss.compute(Ops.l2Normalize(image), text, scale).total().getFloat();
      assertEquals(clip, pacl, 1e-5);
    }
  }
}
