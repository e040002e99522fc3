package dev.vlt.objectives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.vlt.eval.RocAuc;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** NLIP's loss against CLIP's where no pair is noisy, its regulariser's direction, and the mixture on known noise. */
class NoiseHarmonizedLossTest {
  @Test
  void withNoNoiseItIsClipsLossAndThePerPairLossesAverageToIt() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      NDArray img = Ops.l2Normalize(m.randomNormal(new Shape(6, 8)));
      NDArray txt = Ops.l2Normalize(m.randomNormal(new Shape(6, 8)));
      NDArray scale = m.create(10f);
      float clip = ContrastiveLoss.compute(img, txt, scale).total().getFloat();
      LossTerms nlip = NoiseHarmonizedLoss.compute(img, txt, scale, m.zeros(new Shape(6)), 1.0);
      assertEquals(clip, nlip.terms().get("contrastive_loss").getFloat(), 1e-5);
      assertEquals(0f, nlip.terms().get("noise_reg_loss").getFloat(), 0f);
      assertEquals(clip, SoftContrastiveLoss.perPair(img, txt, scale).mean().getFloat(), 1e-5);
    }
  }

  @Test
  void aNoisyPairsSimilarityIsPushedDownAndACleanOnesIsNot() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray img = Ops.l2Normalize(m.randomNormal(new Shape(4, 8)));
      NDArray txt = Ops.l2Normalize(img.add(m.randomNormal(new Shape(4, 8)).mul(0.1f)));  // every pair well aligned: cos ~ 0.99
      txt.setRequiresGradient(true);
      NDArray noise = m.create(new float[] {0.9f, 0f, 0f, 0f});
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(NoiseHarmonizedLoss.compute(img, txt, m.create(10f), noise, 1.0).terms().get("noise_reg_loss"));
      }
      NDArray g = txt.getGradient();
      // a gradient step (−g) lowers pair 0's cosine: −g · img_0 < 0; clean pairs get no regulariser gradient
      assertTrue(g.get(0).mul(img.get(0)).sum().getFloat() > 0, "the regulariser lowers the noisy pair's similarity");
      assertEquals(0f, g.get("1:").abs().sum().getFloat(), 0f);
    }
  }

  @Test
  void theMixtureSeparatesTwoLossClusters() {
    Random r = new Random(3);
    int n = 400;
    double[] losses = new double[n];
    boolean[] noisy = new boolean[n];
    for (int i = 0; i < n; i++) {
      noisy[i] = i % 5 == 0;  // 20 %
      losses[i] = noisy[i] ? 3.0 + 0.3 * r.nextGaussian() : 1.0 + 0.4 * r.nextGaussian();
    }
    NoiseMixture.Fit fit = NoiseMixture.fit(losses);
    assertEquals(0.2, fit.noisyWeight(), 0.03);
    assertTrue(fit.noisyMean() > fit.cleanMean());
    assertTrue(RocAuc.of(fit.noiseProbability(), noisy) > 0.99, "ROC AUC " + RocAuc.of(fit.noiseProbability(), noisy));
    assertEquals(0.0, NoiseMixture.fit(new double[] {2, 2, 2}).noiseProbability()[1], 0.0, "equal losses tell nothing");
  }
}
