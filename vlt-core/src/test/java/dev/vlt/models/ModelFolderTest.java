package dev.vlt.models;

import dev.vlt.models.clip.ClipConfig;

import dev.vlt.models.clip.Clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.models.clip.ClipOutput;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFolderTest {
  @Test
  void hubFolderLoadsAndReproducesOpenClipFromStoredTensors() throws Exception {
    Path dir = Fixtures.fixture("clip_e2e_tiny");
    try (LoadedModel lm = Models.load(dir); NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      assertEquals(3_421_761, lm.as(Clip.class).parameterCount());
      assertEquals(64, lm.preprocess().imageSize());          // no size in preprocess_cfg: taken from vision_cfg
      assertEquals("shortest", lm.preprocess().resizeMode());
      Map<String, NDArray> images = Parity.load(m, dir.resolve("expected/images.safetensors"));
      Map<String, NDArray> texts = Parity.load(m, dir.resolve("expected/texts.safetensors"));
      Map<String, NDArray> zs = Parity.load(m, dir.resolve("expected/zero_shot.safetensors"));
      java.util.List<String> order = new java.util.ArrayList<>();
      new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("expected/images.json").toFile())
          .get("image_order").forEach(n -> order.add(n.asText()));
      assertEquals(25, order.size());
      NDArray pixels = m.create(new Shape(0, 3, 64, 64));
      NDArray expectedImg = m.create(new Shape(0, 32));
      for (String f : order) {
        pixels = pixels.concat(images.get("pixels." + f).expandDims(0));
        expectedImg = expectedImg.concat(images.get("image_features." + f).expandDims(0));
      }
      NDArray img = lm.as(Clip.class).encodeImage(pixels, false);
      NDArray txt = lm.as(Clip.class).encodeText(texts.get("ids"), false);
      Parity.assertClose("image_features", expectedImg, img, 1e-5);
      Parity.assertClose("text_features", texts.get("text_features"), txt, 1e-5);
      ClipOutput out = lm.as(Clip.class).forward(pixels, texts.get("ids"), Trace.NONE);
      Parity.assertClose("logits_per_image", zs.get("logits_per_image"), out.logitsPerImage(), 1e-5);
      double probErr = Parity.maxAbsDiff(zs.get("probs"), out.logitsPerImage().softmax(-1));
      assertTrue(probErr <= 1e-5, "probs off by " + probErr);
    }
  }

  @Test
  void registryModelSavesAndLoadsBitIdentically(@TempDir Path tmp) throws Exception {
    try (LoadedModel a = Models.create("ViT-B-32", 11); NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Models.save(a.as(Clip.class), a.preprocess(), tmp.resolve("b32"));
      assertTrue(Files.size(tmp.resolve("b32").resolve(Models.WEIGHTS_FILE)) > 500_000_000L);
      try (LoadedModel b = Models.load(tmp.resolve("b32"))) {
        assertEquals(a.as(Clip.class).config(), b.as(Clip.class).config());
        NDArray images = m.randomNormal(new Shape(2, 3, 224, 224));
        NDArray ids = m.create(new long[] {49406, 320, 1125, 49407, 0, 0, 0, 0}, new Shape(1, 8)).repeat(0, 2);
        NDArray ids77 = ids.concat(m.zeros(new Shape(2, 69), ids.getDataType()), 1);
        assertArrayEquals(a.as(Clip.class).encodeImage(images, false).toFloatArray(), b.as(Clip.class).encodeImage(images, false).toFloatArray());
        assertArrayEquals(a.as(Clip.class).encodeText(ids77, false).toFloatArray(), b.as(Clip.class).encodeText(ids77, false).toFloatArray());
      }
    }
  }

  @Test
  void configErrorsNameTheField() {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dev.vlt.models.clip.ClipConfig.fromJson(
        mapper.readTree("{\"embed_dim\":32,\"vision_cfg\":{\"image_size\":30,\"patch_size\":8},\"text_cfg\":{}}")));
    assertTrue(e.getMessage().contains("vision_cfg.image_size"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> dev.vlt.models.clip.ClipConfig.fromJson(
        mapper.readTree("{\"embed_dim\":32,\"vision_cfg\":{\"widht\":64},\"text_cfg\":{}}")));
    assertTrue(e.getMessage().contains("vision_cfg.widht") && e.getMessage().contains("not a known field"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> dev.vlt.models.clip.ClipConfig.fromJson(
        mapper.readTree("{\"vision_cfg\":{},\"text_cfg\":{}}")));
    assertTrue(e.getMessage().contains("embed_dim"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> dev.vlt.models.clip.ClipConfig.fromJson(
        mapper.readTree("{\"embed_dim\":32,\"vision_cfg\":{\"timm_model_name\":\"convnext\"},\"text_cfg\":{}}")));
    assertTrue(e.getMessage().contains("timm_model_name") && e.getMessage().contains("not supported"), e.getMessage());
  }

  @Test
  void everyRegistryConfigParses() {
    for (String a : Models.registry()) assertTrue(Models.config(a).imageSize() > 0, a);
    assertEquals(true, Models.config("ViT-L-14-quickgelu", ClipConfig.class).quickGelu());
    assertEquals(14, Models.config("ViT-L-14", ClipConfig.class).vision().patchSize());
    assertThrows(IllegalArgumentException.class, () -> Models.config("ViT-Q-99", ClipConfig.class));
  }

  @Test
  void notAModelFolderIsOneClearError(@TempDir Path tmp) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.load(tmp));
    assertTrue(e.getMessage().contains("not a model folder"), e.getMessage());
  }
}
