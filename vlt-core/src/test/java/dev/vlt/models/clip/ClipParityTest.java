package dev.vlt.models.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.tensor.NoGrad;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every intermediate and output of open_clip's CLIP on the tiny fixtures, GELU and QuickGELU. */
class ClipParityTest {
  @ParameterizedTest
  @ValueSource(strings = {"clip_vit_tiny", "clip_vit_tiny_quickgelu"})
  void matchesOpenClip(String fixture) throws Exception {
    Path dir = Fixtures.fixture(fixture);
    JsonNode cfgJson = new ObjectMapper().readTree(dir.resolve("config.json").toFile()).get("open_clip_model_config");
    ClipConfig cfg = ClipConfig.fromJson(cfgJson);
    assertEquals(fixture.endsWith("quickgelu"), cfg.quickGelu());
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Clip model = new Clip(cfg);
      model.load(m, Parity.load(m, dir.resolve("weights.safetensors")));
      assertEquals(282_881, model.parameterCount());
      model.train(false);
      Map<String, NDArray> in = Parity.load(m, dir.resolve("inputs.safetensors"));
      Map<String, NDArray> expected = Parity.load(m, dir.resolve("outputs.safetensors"));
      Map<String, NDArray> got = new HashMap<>();
      ClipOutput out = model.forward(in.get("images"), in.get("text"), got::put);
      got.put("image_features_normalized", out.imageFeatures());
      got.put("text_features_normalized", out.textFeatures());
      got.put("logit_scale_exp", out.logitScale());
      got.put("logits_per_image", out.logitsPerImage());
      got.put("logits_per_text", out.logitsPerImage().transpose());
      int compared = 0;
      double worst = 0;
      for (Map.Entry<String, NDArray> e : expected.entrySet()) {
        NDArray actual = got.get(e.getKey());
        assertTrue(actual != null, "no output traced for " + e.getKey());
        if (e.getKey().equals("text.eot_index")) {
          assertArrayEquals(e.getValue().toLongArray(), actual.toLongArray());
        } else {
          worst = Math.max(worst, Parity.assertClose(e.getKey(), e.getValue(), actual, 1e-5));
        }
        compared++;
      }
      assertTrue(compared >= 20, "compared only " + compared + " tensors");
      System.out.printf("%s: %d tensors within tolerance, worst max|Δ| %.3g%n", fixture, compared, worst);
    }
  }
}
