package dev.vlt.io.hf;

import dev.vlt.models.clip.Clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.models.clip.ClipOutput;
import dev.vlt.objectives.ContrastiveLoss;
import dev.vlt.tensor.NoGrad;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tiny fixture model saved by transformers' CLIPModel ({@code hf_clip_layout}, GELU and QuickGELU) loads through
 * {@code Models.load} and reproduces every output transformers computed, and equals the open_clip fixture it came from.
 */
class HfClipParityTest {
  /** transformers' output name → vlt's trace name (N layers: hidden_states.i+1 is block i's output). */
  static Map<String, String> names(int layers) {
    Map<String, String> m = new HashMap<>(Map.of(
        "vision_model.embeddings_out", "vision.embed_out",
        "vision_model.hidden_states.0", "vision.ln_pre_out",
        "vision_model.last_hidden_state", "vision.resblock." + (layers - 1) + "_out",
        "vision_model.pooler_output", "vision.pooled",
        "text_model.embeddings_out", "text.embed_out",
        "text_model.hidden_states.0", "text.embed_out",
        "text_model.last_hidden_state", "text.ln_final_out",
        "text_model.pooler_output", "text.pooled"));
    for (int i = 0; i < layers; i++) {
      m.put("vision_model.hidden_states." + (i + 1), "vision.resblock." + i + "_out");
      m.put("text_model.hidden_states." + (i + 1), "text.resblock." + i + "_out");
    }
    // an attention mask changes only pad rows, which the causal mask already hides from the pooled eos token
    for (String k : new String[] {"text_model.pooler_output", "text_embeds", "text_features", "logits_per_image"}) {
      m.put("masked." + k, k);
    }
    return m;
  }

  @ParameterizedTest
  @CsvSource({"hf_clip_layout, clip_vit_tiny", "hf_clip_layout/quickgelu, clip_vit_tiny_quickgelu"})
  void reproducesTransformersAndOpenClip(String fixture, String openClipFixture) throws Exception {
    Path dir = Fixtures.fixture(fixture);
    Path oc = Fixtures.fixture(openClipFixture);
    try (LoadedModel lm = Models.load(dir); NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      ClipConfig cfg = lm.as(Clip.class).config();
      assertEquals(fixture.endsWith("quickgelu"), cfg.quickGelu());
      assertEquals("eos", cfg.text().pool());            // eos_token_id 999 is not the legacy 2
      assertEquals(999, cfg.text().eosId());
      assertEquals(282_881, lm.as(Clip.class).parameterCount());

      // the key map only moves bytes: the weights are open_clip's, bit for bit
      Map<String, NDArray> ocWeights = Parity.load(m, oc.resolve("weights.safetensors"));
      Map<String, NDArray> ours = lm.as(Clip.class).stateDict();
      assertEquals(ocWeights.keySet(), ours.keySet());
      for (var e : ocWeights.entrySet()) {
        assertArrayEquals(e.getValue().toFloatArray(), ours.get(e.getKey()).toFloatArray(), e.getKey());
      }

      Map<String, NDArray> in = Parity.load(m, dir.resolve("inputs.safetensors"));
      Map<String, NDArray> got = new HashMap<>();
      ClipOutput out = lm.as(Clip.class).forward(in.get("pixel_values"), in.get("input_ids"), got::put);
      got.put("image_embeds", out.imageFeatures());
      got.put("text_embeds", out.textFeatures());
      got.put("logit_scale_exp", out.logitScale());
      got.put("logits_per_image", out.logitsPerImage());
      got.put("logits_per_text", out.logitsPerImage().transpose());
      got.put("loss", ContrastiveLoss.compute(out.imageFeatures(), out.textFeatures(), out.logitScale()).total());

      Map<String, NDArray> expected = Parity.load(m, dir.resolve("outputs.safetensors"));
      Map<String, String> names = names(cfg.vision().layers());
      NDArray nonPad = in.get("attention_mask").toType(DataType.FLOAT32, false).expandDims(-1);
      double worst = 0;
      int compared = 0;
      for (var e : expected.entrySet()) {
        String key = e.getKey();
        NDArray actual;
        NDArray reference = e.getValue();
        if (key.equals("masked.text_model.last_hidden_state")) {
          // pad rows differ with a mask (transformers masks pad keys); compare the real tokens only
          actual = got.get("text.ln_final_out").mul(nonPad);
          reference = reference.mul(nonPad);
        } else {
          String name = names.getOrDefault(key, key);
          actual = got.get(names.getOrDefault(name, name));   // masked.X → X → vlt's name for X
        }
        assertTrue(actual != null, "nothing of vlt's corresponds to " + key);
        worst = Math.max(worst, Parity.assertClose(key, reference, actual, 1e-5));
        compared++;
      }
      assertEquals(25, compared);

      // and the open_clip fixture's outputs, as the README's agreement table says
      Map<String, NDArray> ocOut = Parity.load(m, oc.resolve("outputs.safetensors"));
      double worstOc = 0;
      for (String k : new String[] {"image_features", "text_features", "logits_per_image", "text.pooled", "vision.pooled"}) {
        worstOc = Math.max(worstOc, Parity.assertClose("open_clip " + k, ocOut.get(k), got.get(k), 1e-5));
      }
      System.out.printf("%s: %d transformers outputs within 1e-5, worst max|Δ| %.3g; open_clip %s outputs worst %.3g%n",
          fixture, compared, worst, openClipFixture, worstOc);
    }
  }

  @ParameterizedTest
  @CsvSource({"hf_clip_layout", "hf_clip_layout/quickgelu"})
  void swapTableIsTheFixturesMapping(String fixture) throws Exception {
    var mapping = new ObjectMapper().readTree(Fixtures.fixture(fixture, "fixture.json").toFile()).get("key_mapping_open_clip_to_hf");
    Map<String, String> expected = new HashMap<>();   // hf name → "open_clip name / transform"
    mapping.forEach(e -> {
      String t = e.get("transform").asText();
      String kind = t.startsWith("chunk3[") ? "chunk" + t.charAt(7) : t;
      expected.put(e.get("hf").asText(), e.get("open_clip").asText() + " / " + kind);
    });
    Map<String, String> ours = new HashMap<>();
    for (HfClipKeys.Entry e : HfClipKeys.table(2, 2)) {
      for (int j = 0; j < e.hf().size(); j++) {
        String kind = switch (e.transform()) {
          case COPY -> "copy";
          case TRANSPOSE -> "transpose";
          case FUSE_QKV -> "chunk" + j;
        };
        ours.put(e.hf().get(j), e.openClip() + " / " + kind);
      }
    }
    assertEquals(78, expected.size());
    assertEquals(expected, ours);
  }
}
