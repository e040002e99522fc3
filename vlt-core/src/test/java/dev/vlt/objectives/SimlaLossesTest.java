package dev.vlt.objectives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.Engines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SimLA's losses as pure functions: PSL's keyword target from [CLS] attention and its BCE, XMM's two directions. */
class SimlaLossesTest {
  private NDManager m;

  @BeforeAll
  static void oneThread() {
    Engines.setThreads(1);
  }

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    m.close();
  }

  @Test
  void keywordsAreTheMostVotedEligiblePositionsTiesBrokenByAttention() {
    // one caption of 7 positions: [start] w1 w2 w3 w4 [end] [pad]; ids chosen distinct
    long[] ids = {10, 11, 12, 13, 14, 15, 0};
    long[] eligible = {0, 1, 1, 1, 1, 0, 0};
    // head 0 looks at [start] most (ineligible), then w2, w3; head 1 at [end] most (ineligible), then w3, w1
    float[] att = {
        0.50f, 0.02f, 0.20f, 0.18f, 0.05f, 0.05f, 0f,
        0.05f, 0.15f, 0.02f, 0.30f, 0.03f, 0.45f, 0f};
    NDArray t = PseudoKeywordLoss.targets(m.create(att, new Shape(1, 2, 7)), m.create(ids, new Shape(1, 7)),
        m.create(eligible, new Shape(1, 7)), 2, 2, 20);
    assertEquals(new Shape(1, 20), t.getShape());
    float[] v = t.toFloatArray();
    // votes: w3 2 (both heads), w2 1 (mass 0.22), w1 1 (mass 0.17): keep w3 and w2
    assertEquals(1f, v[13]);
    assertEquals(1f, v[12]);
    assertEquals(0f, v[11], "w1 lost the tie on attention mass");
    assertEquals(0f, v[10], "[start] is never a keyword, however attended");
    assertEquals(0f, v[15], "nor [end]");
    float sum = 0;
    for (float x : v) sum += x;
    assertEquals(2f, sum);
  }

  @Test
  void aRepeatedWordIsOneEntryAndShortCaptionsGiveFewerKeywords() {
    long[] ids = {1, 7, 7, 2, 0, 0};
    long[] eligible = {0, 1, 1, 0, 0, 0};
    float[] att = {0.1f, 0.5f, 0.3f, 0.1f, 0f, 0f};
    float[] v = PseudoKeywordLoss.targets(m.create(att, new Shape(1, 1, 6)), m.create(ids, new Shape(1, 6)),
        m.create(eligible, new Shape(1, 6)), 4, 5, 8).toFloatArray();
    assertEquals(1f, v[7]);
    float sum = 0;
    for (float x : v) sum += x;
    assertEquals(1f, sum, "two positions, one token id");
  }

  @Test
  void keywordLossIsBinaryCrossEntropyWithLogitsAndStableForLargeLogits() {
    float[] x = {2f, -1f, 0.5f, -3f};
    float[] y = {1f, 0f, 0f, 1f};
    double want = 0;
    for (int i = 0; i < 4; i++) {
      double p = 1 / (1 + Math.exp(-x[i]));
      want -= y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
    }
    want /= 4;
    NDArray loss = PseudoKeywordLoss.compute(m.create(x, new Shape(1, 4)), m.create(y, new Shape(1, 4))).terms().get("psl_loss");
    assertEquals(want, loss.getFloat(), 1e-5);
    float big = PseudoKeywordLoss.compute(m.create(new float[] {200f, -200f}, new Shape(1, 2)),
        m.create(new float[] {0f, 1f}, new Shape(1, 2))).total().getFloat();
    assertEquals(200f, big, 1e-3, "a confident wrong logit costs its size, not infinity");
  }

  @Test
  void reconstructionTakesTheTextTermAtMaskedTokensAndTheImageTermAtHiddenPatchesOnly() {
    NDArray textLogits = m.create(new float[] {2f, 0f, 0f, 0f, 1f, 3f}, new Shape(2, 3));
    NDArray labels = m.create(new long[] {0, 1});
    double ce = (-Math.log(Math.exp(2) / (Math.exp(2) + 2)) - Math.log(Math.exp(1) / (1 + Math.exp(1) + Math.exp(3)))) / 2;
    NDArray target = m.zeros(new Shape(1, 4, 2));
    float[] pred = {1f, 1f, 2f, 2f, 3f, 3f, 0.5f, 0.5f};
    NDArray mask = m.create(new float[] {1f, 0f, 0f, 1f}, new Shape(1, 4));
    LossTerms terms = CrossModalReconstructionLoss.compute(textLogits, labels, m.create(pred, new Shape(1, 4, 2)), target, mask);
    assertEquals(ce, terms.terms().get("xmm_text_loss").getFloat(), 1e-5);
    assertEquals((1f + 0.25f) / 2, terms.terms().get("xmm_image_loss").getFloat(), 1e-6, "patches 0 and 3 only");
    pred[1 * 2] = 50f;                                                      // a visible patch predicted badly: no change
    float visible = CrossModalReconstructionLoss.compute(textLogits, labels, m.create(pred, new Shape(1, 4, 2)), target, mask)
        .terms().get("xmm_image_loss").getFloat();
    assertEquals((1f + 0.25f) / 2, visible, 1e-6);
    pred[3 * 2] = 50f;                                                      // a hidden one: it counts
    float hidden = CrossModalReconstructionLoss.compute(textLogits, labels, m.create(pred, new Shape(1, 4, 2)), target, mask)
        .terms().get("xmm_image_loss").getFloat();
    assertNotEquals(visible, hidden);
    assertTrue(hidden > 100);
  }
}
