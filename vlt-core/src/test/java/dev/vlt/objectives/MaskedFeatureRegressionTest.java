package dev.vlt.objectives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.nn.CorrelatedMasking;
import dev.vlt.tensor.NoGrad;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Visual parsing's Masked Feature Regression: tokens are masked in correlated groups, and the loss is taken only there. */
class MaskedFeatureRegressionTest {
  /**
   * Two samples of 12 tokens in three clusters of 4 (tokens i, i+3, i+6, i+9 share cluster i, so a cluster is never a
   * run of neighbours): with groups of 4 and a third of the tokens masked, exactly one whole cluster is masked, in every
   * one of many draws. Independent masking of 4 of 12 tokens hits one whole cluster only 3 / C(12, 4) = 0.6 % of the time.
   */
  @Test
  void masksOneWholeGroupOfCorrelatedTokens() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      int n = 12;
      float[] f = new float[2 * n * 3];
      SplittableRandom noise = new SplittableRandom(5);
      for (int b = 0; b < 2; b++) {
        for (int t = 0; t < n; t++) {
          int cluster = t % 3;
          for (int d = 0; d < 3; d++) f[(b * n + t) * 3 + d] = (d == cluster ? 1f : 0f) + 0.05f * (float) noise.nextDouble();
        }
      }
      NDArray features = m.create(f, new Shape(2, n, 3));
      CorrelatedMasking masking = new CorrelatedMasking(1.0 / 3, 4);
      assertEquals(4, masking.count(n));
      java.util.Set<Integer> clustersSeen = new java.util.HashSet<>();
      for (long seed = 0; seed < 20; seed++) {
        SplittableRandom[] rngs = {new SplittableRandom(seed), new SplittableRandom(seed + 100)};
        float[] mask = masking.mask(features, rngs).toFloatArray();
        for (int b = 0; b < 2; b++) {
          int[] perCluster = new int[3];
          int total = 0;
          for (int t = 0; t < n; t++) {
            if (mask[b * n + t] == 1) {
              perCluster[t % 3]++;
              total++;
            } else {
              assertEquals(0f, mask[b * n + t]);
            }
          }
          assertEquals(4, total, "a third of the tokens");
          int full = -1;
          for (int c = 0; c < 3; c++) if (perCluster[c] == 4) full = c;
          assertTrue(full >= 0, "seed " + seed + ", sample " + b + ": masked per cluster " + java.util.Arrays.toString(perCluster));
          clustersSeen.add(full);
        }
      }
      assertEquals(3, clustersSeen.size(), "the anchor is random: every cluster gets masked in some draw");
      // a sample's mask depends only on its own stream
      float[] a = masking.mask(features, new SplittableRandom[] {new SplittableRandom(1), new SplittableRandom(2)}).toFloatArray();
      float[] b = masking.mask(features, new SplittableRandom[] {new SplittableRandom(1), new SplittableRandom(3)}).toFloatArray();
      assertArrayEquals(java.util.Arrays.copyOf(a, n), java.util.Arrays.copyOf(b, n));
    }
  }

  @Test
  void aLastGroupIsCutAtTheCountAndBadSettingsAreRefused() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      NDArray features = m.randomNormal(new Shape(3, 10, 4));
      CorrelatedMasking masking = new CorrelatedMasking(0.5, 3);                    // 5 tokens: a group of 3, then 2
      SplittableRandom[] rngs = {new SplittableRandom(0), new SplittableRandom(1), new SplittableRandom(2)};
      float[] mask = masking.mask(features, rngs).toFloatArray();
      for (int b = 0; b < 3; b++) {
        float sum = 0;
        for (int t = 0; t < 10; t++) sum += mask[b * 10 + t];
        assertEquals(5f, sum);
      }
      assertThrows(IllegalArgumentException.class, () -> new CorrelatedMasking(0, 4));
      assertThrows(IllegalArgumentException.class, () -> new CorrelatedMasking(0.5, 0));
      assertThrows(IllegalArgumentException.class, () -> masking.mask(features, new SplittableRandom[2]));
    }
  }

  /** The loss by hand: only masked tokens count, each its mean squared error over the feature dimension. */
  @Test
  void lossIsTheMeanSquaredErrorOverMaskedTokensOnly() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      NDArray pred = m.create(new float[] {1, 2, 0, 0, 5, 5, 3, 3}, new Shape(1, 4, 2));
      NDArray target = m.create(new float[] {0, 0, 0, 0, 0, 0, 3, 1}, new Shape(1, 4, 2));
      NDArray mask = m.create(new float[] {1, 0, 0, 1}, new Shape(1, 4));
      // token 0: (1 + 4) / 2 = 2.5; token 3: (0 + 4) / 2 = 2; token 2 (error 25) is not masked
      assertEquals((2.5 + 2) / 2, MaskedFeatureLoss.value(pred, target, mask).getFloat(), 1e-6);
      NDArray all = m.create(new float[] {1, 1, 1, 1}, new Shape(1, 4));
      assertEquals((2.5 + 0 + 25 + 2) / 4, MaskedFeatureLoss.value(pred, target, all).getFloat(), 1e-6);
    }
  }
}
