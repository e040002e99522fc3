package dev.vlt.models.coca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.objectives.CocaLoss;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.NoGrad;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every intermediate, the logits and both loss terms of open_clip's CoCa on coca_tiny (fixtures README tolerances). */
class CocaParityTest {
  private static final Path DIR = Fixtures.fixture("coca_tiny");

  @Test
  void matchesOpenClip() throws Exception {
    JsonNode cfgJson = new ObjectMapper().readTree(DIR.resolve("config.json").toFile()).get("open_clip_model_config");
    CocaConfig cfg = CocaConfig.fromJson(cfgJson);
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Coca model = new Coca(cfg);
      model.load(m, Parity.load(m, DIR.resolve("weights.safetensors")));  // strict: the key sets are equal
      assertEquals(519_937, model.parameterCount());
      model.train(false);
      Map<String, NDArray> in = Parity.load(m, DIR.resolve("inputs.safetensors"));
      Map<String, NDArray> expected = Parity.load(m, DIR.resolve("outputs.safetensors"));
      Map<String, NDArray> got = new HashMap<>();
      CocaOutput out = model.trainingForward(in.get("images"), in.get("text"), got::put);
      got.put("image_features_normalized", out.imageFeatures());
      got.put("text_features_normalized", out.textFeatures());
      got.put("logit_scale_exp", out.logitScale());
      got.put("logits_per_image", out.logitsPerImage());
      got.put("logits_per_text", out.logitsPerImage().transpose());
      got.put("caption_logits", out.captionLogits());
      LossTerms loss = CocaLoss.defaults().compute(out);
      got.put("loss_contrastive_weighted", loss.terms().get("contrastive_loss"));
      got.put("loss_caption_weighted", loss.terms().get("caption_loss"));
      got.put("loss_total", loss.total());
      assertArrayEquals(expected.get("caption_labels").toLongArray(), out.captionLabels().toLongArray());
      int compared = 0;
      double worst = 0;
      for (Map.Entry<String, NDArray> e : expected.entrySet()) {
        String name = e.getKey();
        if (name.equals("caption_labels")) continue;
        NDArray actual = got.get(name);
        assertTrue(actual != null, "no output traced for " + name);
        // tensors: 1e-5 · max(1, max|ref|); the losses are all above 1, where that is the README's 1e-5 relative
        worst = Math.max(worst, Parity.assertClose(name, e.getValue(), actual, 1e-5));
        compared++;
      }
      assertEquals(expected.size() - 1, compared);
      assertTrue(compared >= 32, "compared only " + compared + " tensors");
      System.out.printf("coca_tiny: %d tensors within tolerance, worst max|Δ| %.3g%n", compared, worst);
    }
  }
}
