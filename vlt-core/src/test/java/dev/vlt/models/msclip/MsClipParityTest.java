package dev.vlt.models.msclip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.models.clip.ClipOutput;
import dev.vlt.tensor.NoGrad;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fully-separate end of the spectrum is CLIP: open_clip's tiny CLIP weights load into it key for key and it reproduces
 * every traced intermediate open_clip recorded. Model folders round-trip.
 */
class MsClipParityTest {
  private static final Path TINY = Fixtures.fixture("clip_vit_tiny");

  private static ClipConfig tinyClip() throws Exception {
    JsonNode cfg = new ObjectMapper().readTree(TINY.resolve("config.json").toFile()).get("open_clip_model_config");
    return ClipConfig.fromJson(cfg);
  }

  @Test
  void fullySeparateIsOpenClipsClip() throws Exception {
    MsClipConfig cfg = MsClipConfig.separateFrom(tinyClip());
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      MsClip model = new MsClip(cfg);
      assertEquals(new Clip(tinyClip()).namedParameters().keySet(), model.namedParameters().keySet());
      model.load(m, Parity.load(m, TINY.resolve("weights.safetensors")));   // strict: every key, every shape
      Map<String, NDArray> in = Parity.load(m, TINY.resolve("inputs.safetensors"));
      Map<String, NDArray> expected = Parity.load(m, TINY.resolve("outputs.safetensors"));
      Map<String, NDArray> got = new HashMap<>();
      ClipOutput out = model.forward(in.get("images"), in.get("text"), got::put);
      got.put("image_features_normalized", out.imageFeatures());
      got.put("text_features_normalized", out.textFeatures());
      got.put("logit_scale_exp", out.logitScale());
      got.put("logits_per_image", out.logitsPerImage());
      got.put("logits_per_text", out.logitsPerImage().transpose());
      int compared = 0;
      for (Map.Entry<String, NDArray> e : expected.entrySet()) {
        NDArray actual = got.get(e.getKey());
        assertTrue(actual != null, "no output traced for " + e.getKey());
        if (e.getKey().equals("text.eot_index")) assertArrayEquals(e.getValue().toLongArray(), actual.toLongArray());
        else Parity.assertClose(e.getKey(), e.getValue(), actual, 1e-5);
        compared++;
      }
      assertTrue(compared >= 20, "compared only " + compared + " tensors");
      assertEquals(new ParameterSplit(0, ParameterSplit.of(model).image(), ParameterSplit.of(model).text(), 1),
          ParameterSplit.of(model));
    }
  }

  @Test
  void foldersRoundTripAndClipFoldersLoadAsTheSeparateEnd(@TempDir Path tmp) throws Exception {
    MsClipConfig cfg = MsClipConfig.separateFrom(tinyClip()).with(Sharing.msClip(1, 2), true, List.of(1), "ggem");
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      MsClip model = new MsClip(cfg);
      model.initialize(m, 11);
      Map<String, NDArray> in = Parity.load(m, TINY.resolve("inputs.safetensors"));
      float[] before = model.encodeImage(in.get("images"), true).toFloatArray();
      Models.save(model, PreprocessConfig.openai(cfg.imageSize()), tmp.resolve("ms"));
      try (LoadedModel back = Models.load(tmp.resolve("ms"))) {
        assertEquals(cfg, back.as(MsClip.class).config());
        assertArrayEquals(before, back.as(MsClip.class).encodeImage(in.get("images"), true).toFloatArray(), 0f);
      }
      Clip clip = new Clip(tinyClip());
      clip.load(m, Parity.load(m, TINY.resolve("weights.safetensors")));
      Models.save(clip, PreprocessConfig.openai(32), tmp.resolve("clip"));
      try (LoadedModel back = Models.load(tmp.resolve("clip"))) {
        MsClip separate = MsClip.of(back, back.manager());
        assertTrue(separate.config().sharing().isNone());
        assertArrayEquals(clip.encodeText(in.get("text"), true).toFloatArray(),
            separate.encodeText(in.get("text"), true).toFloatArray(), 1e-6f);
      }
    }
  }
}
