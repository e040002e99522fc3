package dev.vlt.objectives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.models.albef.AnswerDecoder;
import dev.vlt.models.albef.VqaOutput;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import org.junit.jupiter.api.Test;

/** ALBEF's objectives against simpler formulations of the same quantities. */
class AlbefObjectivesTest {
  @Test
  void withoutDistillationOrQueueItcIsClipsContrastiveLoss() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      NDArray img = Ops.l2Normalize(m.randomNormal(new Shape(5, 8)));
      NDArray txt = Ops.l2Normalize(m.randomNormal(new Shape(5, 8)));
      NDArray scale = m.create(14.3f);
      NDArray simI2t = img.matMul(txt.transpose()).mul(scale);
      NDArray simT2i = txt.matMul(img.transpose()).mul(scale);
      NDArray targets = DistilledContrastiveLoss.targets(m.arange(0L, 5L, 1L), m.create(new long[0]));
      assertArrayEquals(m.eye(5).toFloatArray(), targets.toFloatArray());
      float itc = DistilledContrastiveLoss.compute(simI2t, simT2i, null, null, targets, 0).getFloat();
      float clip = ContrastiveLoss.compute(img, txt, scale).total().getFloat();
      assertEquals(clip, itc, 1e-5);
    }
  }

  @Test
  void targetsSpreadOverEqualIdsAndIgnoreEmptySlots() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray t = DistilledContrastiveLoss.targets(m.create(new long[] {7, 3, 9}), m.create(new long[] {3, -100, 7, -100}));
      float[] v = t.toFloatArray();  // [3, 7]: columns 7 3 9 | 3 -100 7 -100
      assertArrayEquals(new float[] {0.5f, 0, 0, 0, 0, 0.5f, 0}, java.util.Arrays.copyOfRange(v, 0, 7));
      assertArrayEquals(new float[] {0, 0.5f, 0, 0.5f, 0, 0, 0}, java.util.Arrays.copyOfRange(v, 7, 14));
      assertArrayEquals(new float[] {0, 0, 1, 0, 0, 0, 0}, java.util.Arrays.copyOfRange(v, 14, 21));
    }
  }

  @Test
  void distillationMixesTheMomentumDistribution() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      NDArray sim = m.randomNormal(new Shape(3, 6)).mul(3);
      NDArray simM = m.randomNormal(new Shape(3, 6)).mul(3);
      NDArray targets = DistilledContrastiveLoss.targets(m.create(new long[] {1, 2, 3}), m.create(new long[] {2, 5, 1}));
      double alpha = 0.4;
      // host formula: mean over rows of −Σ_j (α·softmax(simM) + (1−α)·t)_j · log softmax(sim)_j, same for both directions
      double[] s = sim.toType(DataType.FLOAT64, false).toDoubleArray();
      double[] sm = simM.toType(DataType.FLOAT64, false).toDoubleArray();
      double[] tg = targets.toType(DataType.FLOAT64, false).toDoubleArray();
      double total = 0;
      for (int r = 0; r < 3; r++) {
        double lse = 0;
        double lseM = 0;
        for (int j = 0; j < 6; j++) {
          lse += Math.exp(s[r * 6 + j]);
          lseM += Math.exp(sm[r * 6 + j]);
        }
        for (int j = 0; j < 6; j++) {
          double target = alpha * Math.exp(sm[r * 6 + j]) / lseM + (1 - alpha) * tg[r * 6 + j];
          total -= target * (s[r * 6 + j] - Math.log(lse));
        }
      }
      float loss = DistilledContrastiveLoss.compute(sim, sim, simM, simM, targets, alpha).getFloat();
      assertEquals(total / 3, loss, 1e-5);
    }
  }

  @Test
  void hardNegativesNeverDrawThePairItselfAndFollowTheSimilarities() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray sim = m.create(new float[] {5, 4, 0, 0, 1, 5, 1, 1, 0, 0, 5, 3, 2, 2, 2, 5}, new Shape(4, 4));
      HardNegatives.Sampler sampler = HardNegatives.seeded(3);
      int[][] count = new int[4][4];
      for (int t = 0; t < 2000; t++) {
        HardNegatives.Draws d = HardNegatives.sample(sim, sim, sampler);
        for (int b = 0; b < 4; b++) {
          assertTrue(d.images()[b] != b && d.texts()[b] != b, "the positive pair is never its own negative");
          count[b][(int) d.texts()[b]]++;
        }
      }
      // row 0: weights ∝ e^4, e^0, e^0 over columns 1..3, so column 1 takes ~96%
      assertTrue(count[0][1] > 1800, "row 0 drew column 1 " + count[0][1] + " times");
      // row 3: ∝ e^2 each over 0..2, uniform
      for (int j = 0; j < 3; j++) assertTrue(count[3][j] > 550 && count[3][j] < 780, "row 3 column " + j + ": " + count[3][j]);
      HardNegatives.Draws d = HardNegatives.sample(sim, sim, w -> w[0] > 0 ? 0 : 1);
      assertEquals(0f, d.weightsI2t().getFloat(1, 1), 0f);
      assertThrows(IllegalStateException.class, () -> HardNegatives.sample(sim, sim, w -> 0), "row 0 cannot draw itself");
      assertThrows(IllegalArgumentException.class, () -> HardNegatives.sample(sim.get("0:1, :"), sim.get("0:1, :"), w -> 0));
    }
  }

  @Test
  void itmLossIsCrossEntropyWithPositivesFirst() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray logits = m.create(new float[] {0, 2, 1, 1, 3, 0}, new Shape(3, 2));
      assertArrayEquals(new long[] {1, 0, 0}, ItmLoss.labels(m, 3, 1).toLongArray());
      double expected = (Math.log(1 + Math.exp(-2)) + Math.log(2) + Math.log(1 + Math.exp(-3))) / 3;
      assertEquals(expected, ItmLoss.compute(logits, 1).getFloat(), 1e-6);
    }
  }

  @Test
  void answerLossWithoutDistillationSumsTheCaptionLoss() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      NDArray scores = m.randomNormal(new Shape(3, 5, 11));
      NDArray answers = m.create(new long[] {2, 6, 7, 3, 0, 2, 8, 3, 0, 0, 2, 9, 10, 4, 3}, new Shape(3, 5));
      VqaOutput out = new VqaOutput(null, AnswerDecoder.labels(answers, 0), scores, scores, 2);
      NDArray weights = m.create(new float[] {0.5f, 0.25f, 1f});
      float[] per = new AnswerLoss(0).perAnswer(out).toFloatArray();
      int[] counted = {3, 2, 4};
      double total = 0;
      for (int n = 0; n < 3; n++) {
        float mean = CaptionLoss.compute(scores.get(n + ":" + (n + 1) + ", :-1"), answers.get(n + ":" + (n + 1) + ", 1:"), 0).getFloat();
        assertEquals(mean * counted[n], per[n], 1e-5);
        total += weights.getFloat(n) * per[n];
      }
      assertEquals(total / 2, new AnswerLoss(0).compute(out, weights).total().getFloat(), 1e-5);
      // distilling towards the model's own distribution adds its entropy at the counted positions
      float[] self = new AnswerLoss(0.4).perAnswer(out).toFloatArray();
      for (int n = 0; n < 3; n++) assertTrue(self[n] > 0.6 * per[n], "the distillation term is a non-negative cross-entropy");
    }
  }
}
