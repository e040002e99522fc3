package dev.vlt.io.hf;

import dev.vlt.models.clip.Clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.io.SafeTensors;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.models.clip.TextConfig;
import dev.vlt.tensor.NoGrad;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vlt writes transformers' layout: the same names and bytes transformers saved, and a bit-exact round trip. */
class HfClipExportTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void exportOfTheFixtureIsTransformersOwnFile(@TempDir Path tmp) throws Exception {
    Path fixture = Fixtures.fixture("hf_clip_layout");
    try (LoadedModel a = Models.load(fixture); NDManager m = NDManager.newBaseManager()) {
      HfClipFolder.save(a.as(Clip.class), a.preprocess(), tmp);
      try (SafeTensors ours = SafeTensors.open(tmp.resolve("model.safetensors"));
          SafeTensors theirs = SafeTensors.open(fixture.resolve("model.safetensors"))) {
        assertEquals(Map.of("format", "pt"), ours.metadata());   // transformers refuses safetensors without it
        assertEquals(78, theirs.names().size());
        assertEquals(new java.util.TreeSet<>(theirs.names()), new java.util.TreeSet<>(ours.names()));
        for (String k : theirs.names()) {
          assertArrayEquals(theirs.info(k).shape(), ours.info(k).shape(), k);
          assertArrayEquals(theirs.floats(k), ours.floats(k), k);
        }
      }
      assertEquals(HfClipConfig.read(JSON.readTree(fixture.resolve("config.json").toFile()), "fixture"),
          HfClipConfig.read(JSON.readTree(tmp.resolve("config.json").toFile()), "export"));
      try (LoadedModel b = Models.load(tmp)) {
        assertEquals(a.as(Clip.class).config(), b.as(Clip.class).config());
        assertSameWeights(a, b);
        assertEquals(a.preprocess().imageSize(), b.preprocess().imageSize());
        assertArrayEquals(a.preprocess().mean(), b.preprocess().mean());
      }
    }
  }

  /** An open_clip model (argmax pooling) survives open_clip → transformers → open_clip with config and bytes intact. */
  @Test
  void openClipModelRoundTripsBitExactly(@TempDir Path tmp) throws Exception {
    try (LoadedModel a = Models.load(Fixtures.fixture("clip_e2e_tiny")); NDManager m = NDManager.newBaseManager();
        NoGrad ng = NoGrad.open()) {
      HfClipFolder.save(a.as(Clip.class), a.preprocess(), tmp);
      var text = JSON.readTree(tmp.resolve("config.json").toFile()).get("text_config");
      assertEquals(HfClipConfig.LEGACY_EOS, text.get("eos_token_id").asInt());   // transformers then pools at argmax(ids)
      assertEquals("gelu", text.get("hidden_act").asText());
      try (LoadedModel b = Models.load(tmp)) {
        assertEquals(a.as(Clip.class).config(), b.as(Clip.class).config());
        assertSameWeights(a, b);
        NDArray ids = Parity.load(m, Fixtures.fixture("clip_e2e_tiny", "expected", "texts.safetensors")).get("ids");
        assertArrayEquals(a.as(Clip.class).encodeText(ids, false).toFloatArray(), b.as(Clip.class).encodeText(ids, false).toFloatArray());
      }
    }
  }

  @Test
  void unexpressibleConfigsFailBeforeWriting(@TempDir Path tmp) throws Exception {
    try (LoadedModel a = Models.create("tiny", 1)) {
      TextConfig t = a.as(Clip.class).config().text();
      ClipConfig last = new ClipConfig(a.as(Clip.class).config().embedDim(), a.as(Clip.class).config().vision(),
          new TextConfig(t.contextLength(), t.vocabSize(), t.width(), t.heads(), t.layers(), t.mlpRatio(), "last", null),
          false, ClipConfig.DEFAULT_LOGIT_SCALE);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> HfClipConfig.write(last, JSON));
      assertTrue(e.getMessage().contains("pool_type last"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> HfClipFolder.save(a.as(Clip.class), a.preprocess().withResizeMode("squash"), tmp.resolve("out")));
      assertTrue(e.getMessage().contains("resize_mode squash"), e.getMessage());
      assertFalse(Files.exists(tmp.resolve("out")));
    }
  }

  @Test
  void preprocessorConfigRoundTrips() throws Exception {
    String openai = "{\"crop_size\": 224, \"do_center_crop\": true, \"do_normalize\": true, \"do_resize\": true,"
        + " \"feature_extractor_type\": \"CLIPFeatureExtractor\", \"image_mean\": [0.48145466, 0.4578275, 0.40821073],"
        + " \"image_std\": [0.26862954, 0.26130258, 0.27577711], \"resample\": 3, \"size\": 224}";
    PreprocessConfig p = HfImageProcessor.read(JSON.readTree(openai), "preprocessor_config.json");
    assertEquals(224, p.imageSize());
    assertEquals("bicubic", p.interpolation());
    assertArrayEquals(PreprocessConfig.OPENAI_STD, p.std());
    PreprocessConfig back = HfImageProcessor.read(HfImageProcessor.write(p, JSON), "written");
    assertEquals(p.imageSize(), back.imageSize());
    assertArrayEquals(p.mean(), back.mean());
    assertEquals(p.interpolation(), back.interpolation());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HfImageProcessor.read(
        JSON.readTree("{\"crop_size\": 224, \"size\": {\"shortest_edge\": 256}}"), "p.json"));
    assertTrue(e.getMessage().contains("size 256 differs from crop_size 224"), e.getMessage());
  }

  private static void assertSameWeights(LoadedModel a, LoadedModel b) {
    Map<String, NDArray> x = a.as(Clip.class).stateDict();
    Map<String, NDArray> y = b.as(Clip.class).stateDict();
    assertEquals(x.keySet(), y.keySet());
    for (String k : x.keySet()) assertArrayEquals(x.get(k).toFloatArray(), y.get(k).toFloatArray(), k);
  }
}
