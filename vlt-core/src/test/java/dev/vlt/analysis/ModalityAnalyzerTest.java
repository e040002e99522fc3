package dev.vlt.analysis;

import dev.vlt.infer.ModelInputs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.image.Raster8;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.models.msclip.MsClip;
import dev.vlt.models.msclip.MsClipConfig;
import dev.vlt.models.msclip.Sharing;
import dev.vlt.tensor.Engines;
import dev.vlt.tensor.Parameter;
import dev.vlt.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The analysis over a tiny MS-CLIP: the blocks and heads it reports, and entropies pinned by uniform attention. */
class ModalityAnalyzerTest {
  private static final MsClipConfig CFG = new MsClipConfig(16, 16, 4, 8, 40, 16, 2, 3, 2.0, Sharing.msClip(1, 3), true,
      List.of(), "tok", false, ClipConfig.DEFAULT_LOGIT_SCALE);

  @BeforeAll
  static void oneThread() {
    Engines.setThreads(1);  // see MsClipTest: a starved 2-thread OpenMP pool is far slower on a busy machine
  }

  /** Words → ids 1..37, sot 38, eot 39 (the largest id, so argmax pooling finds it), padded with 0. */
  static Tokenizer words() {
    return new Tokenizer() {
      @Override public int[] encode(String text) {
        return text.chars().filter(Character::isLetter).map(c -> 1 + (c % 37)).toArray();
      }
      @Override public long[][] tokenize(List<String> texts) {
        long[][] out = new long[texts.size()][8];
        for (int i = 0; i < texts.size(); i++) {
          int[] ids = encode(texts.get(i));
          int n = Math.min(ids.length, 6);
          out[i][0] = 38;
          for (int k = 0; k < n; k++) out[i][k + 1] = ids[k];
          out[i][n + 1] = 39;
        }
        return out;
      }
      @Override public String decode(int[] ids) { return ""; }
      @Override public int contextLength() { return 8; }
      @Override public int vocabSize() { return 40; }
      @Override public int padId() { return 0; }
      @Override public OptionalInt sotId() { return OptionalInt.of(38); }
      @Override public OptionalInt eotId() { return OptionalInt.of(39); }
    };
  }

  static Pairs pairs(int n) {
    Random r = new Random(3);
    List<Raster8> images = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] px = new byte[16 * 16 * 3];
      r.nextBytes(px);
      images.add(new Raster8(16, 16, 3, px));
      captions.add(i % 2 == 0 ? "red circle" : "a blue star on the left");
    }
    return new Pairs(images, captions);
  }

  @Test
  void reportsEveryHeadOfEveryBlockBothModalitiesRun() {
    try (NDManager m = NDManager.newBaseManager()) {
      MsClip model = new MsClip(CFG);
      model.initialize(m, 2);
      ModelInputs inputs = new ModelInputs(new EvalTransform(PreprocessConfig.openai(16)), words(), 5);
      ModalityAnalysis a = ModalityAnalyzer.run("tiny", model, inputs, pairs(12));
      assertEquals(2 * 2, a.heads().size(), "blocks 1 and 2 (block 0 is the stems), 2 heads each");
      assertEquals(List.of(1, 1, 2, 2), a.heads().stream().map(HeadStats::layer).toList());
      for (HeadStats h : a.heads()) {
        assertTrue(h.shared());
        assertTrue(h.cka() >= 0 && h.cka() <= 1 + 1e-9, "cka " + h.cka());
        assertTrue(h.imageEntropy() > 0 && h.imageEntropy() <= 1 + 1e-6, "image entropy " + h.imageEntropy());
        assertTrue(h.textEntropy() > 0 && h.textEntropy() <= 1 + 1e-6, "text entropy " + h.textEntropy());
      }
      assertEquals(12, a.gap().pairs());
      assertEquals(2, a.perLayer(HeadStats::cka)[0].length);
    }
  }

  @Test
  void uniformAttentionHasNormalisedEntropyOneOnBothModalities() {
    try (NDManager m = NDManager.newBaseManager()) {
      MsClip model = new MsClip(CFG);
      model.initialize(m, 2);
      // zero query/key projections: every score equal, so each query spreads evenly over the keys it may see
      for (var e : model.namedParameters().entrySet()) {
        if (e.getKey().endsWith("attn.in_proj_weight")) {
          Parameter p = e.getValue();
          NDManager owner = p.value().getManager();
          float[] w = p.value().toFloatArray();
          java.util.Arrays.fill(w, 0, w.length * 2 / 3, 0f);   // rows Q and K
          p.set(owner.create(w, p.shape()));
        }
      }
      ModelInputs inputs = new ModelInputs(new EvalTransform(PreprocessConfig.openai(16)), words(), 4);
      ModalityAnalysis a = ModalityAnalyzer.run("uniform", model, inputs, pairs(6));
      for (HeadStats h : a.heads()) {
        assertEquals(1.0, h.imageEntropy(), 1e-5);
        assertEquals(1.0, h.textEntropy(), 1e-5);
        assertEquals(0.0, h.entropyGap(), 1e-5);
      }
    }
  }
}
