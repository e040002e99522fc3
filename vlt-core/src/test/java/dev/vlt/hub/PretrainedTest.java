package dev.vlt.hub;

import dev.vlt.models.clip.Clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.tensor.NoGrad;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry of pretrained tags, and {@code Models.resolve} reaching the hub through it. */
class PretrainedTest {
  @TempDir Path cache;

  @AfterEach
  void reset() {
    PretrainedSource.configure(null, null);
  }

  @Test
  void registryHasOpenAiAndLaionWeightsOfTheThreeViTs() {
    PretrainedModel b32 = PretrainedRegistry.find("ViT-B-32:openai").orElseThrow();
    assertEquals("timm/vit_base_patch32_clip_224.openai", b32.repo().toString());
    assertTrue(b32.quickGelu(), "OpenAI's weights were trained with QuickGELU");
    PretrainedModel laion = PretrainedRegistry.find("ViT-B-32:laion2b_s34b_b79k").orElseThrow();
    assertEquals("laion/CLIP-ViT-B-32-laion2B-s34B-b79K", laion.repo().toString());
    assertEquals(laion, PretrainedRegistry.find("ViT-B-32:LAION2B-s34B-b79K").orElseThrow());   // open_clip's tag cleaning
    assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, PretrainedRegistry.find("ViT-L-14:laion2b_s32b_b82k").orElseThrow().mean());
    for (String arch : new String[] {"ViT-B-32", "ViT-B-16", "ViT-L-14"}) {
      Set<String> tags = PretrainedRegistry.all().stream().filter(p -> p.architecture().equals(arch))
          .map(PretrainedModel::tag).collect(Collectors.toSet());
      assertTrue(tags.contains("openai") && tags.stream().anyMatch(t -> t.startsWith("laion2b")) && tags.contains("laion400m_e32"),
          arch + " " + tags);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PretrainedRegistry.find("ViT-B-32:nope"));
    assertTrue(e.getMessage().contains("no pretrained tag 'nope' for ViT-B-32; known: openai"), e.getMessage());
    assertTrue(PretrainedRegistry.find("not-an-arch:tag").isEmpty());
    assertTrue(PretrainedRegistry.find("hf-hub:laion/x").isEmpty());
  }

  @Test
  void registryEntriesAreChecked() throws Exception {
    ObjectMapper json = new ObjectMapper();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PretrainedRegistry.parse(
        json.readTree("{\"models\": {\"ViT-B-32\": {\"x\": {\"repo\": \"a/b\", \"quickgelu\": true}}}}"), "p.json"));
    assertTrue(e.getMessage().contains("ViT-B-32:x has unknown key 'quickgelu'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PretrainedRegistry.parse(
        json.readTree("{\"models\": {\"RN50\": {\"openai\": {\"repo\": \"a/b\"}}}}"), "p.json"));
    assertTrue(e.getMessage().contains("architecture RN50"), e.getMessage());
  }

  /** A registry tag resolved offline with nothing cached: the error names the repo, proving the wiring without a network. */
  @Test
  void resolveGoesThroughTheRegistry() {
    PretrainedSource.configure(HubConfig.fromEnvironment().withCache(cache).withOffline(true), null);
    HubException e = assertThrows(HubException.class, () -> Models.resolve("ViT-B-32:laion2b_s34b_b79k"));
    assertTrue(e.getMessage().startsWith("offline: laion/CLIP-ViT-B-32-laion2B-s34B-b79K@main is not in the cache"), e.getMessage());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Models.resolve("ViT-B-99"));
    assertTrue(bad.getMessage().contains("ARCH:TAG"), bad.getMessage());
  }

  /** hf-hub: names download on first use and load in either layout. */
  @Test
  void hfHubNamesDownloadAndLoad() throws Exception {
    try (TestHub hub = new TestHub().repo("test/oc", Fixtures.fixture("clip_e2e_tiny")).repo("test/hf", Fixtures.fixture("hf_clip_layout"))) {
      PretrainedSource.configure(new HubConfig(hub.endpoint, cache, null, false, Duration.ofSeconds(2), Duration.ofSeconds(5), 2), null);
      try (LoadedModel oc = Models.resolve("hf-hub:test/oc"); LoadedModel hf = Models.resolve("hf-hub:test/hf")) {
        assertEquals(cache.resolve("hub/test--oc/main"), oc.folder());
        assertEquals(3_421_761, oc.as(Clip.class).parameterCount());
        assertEquals(282_881, hf.as(Clip.class).parameterCount());
      }
    }
  }

  /**
   * A registry checkpoint takes its architecture from the registry (QuickGELU forced where the weights need it) and its
   * preprocessing from the tag, as open_clip does; only the weights come from the folder.
   */
  @Test
  void registryConfigWinsOverTheFolder(@TempDir Path dir) throws IOException {
    try (LoadedModel tiny = Models.create("tiny", 5); NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      Models.save(tiny.as(Clip.class), tiny.preprocess(), dir);
      PretrainedModel p = new PretrainedModel("tiny", "test", RepoId.parse("test/tiny"), true, new float[] {.5f, .5f, .5f},
          new float[] {.5f, .5f, .5f}, null);
      try (LoadedModel lm = PretrainedSource.load(p, dir)) {
        assertEquals("tiny:test", lm.name());
        assertTrue(lm.as(Clip.class).config().quickGelu());
        assertArrayEquals(new float[] {.5f, .5f, .5f}, lm.preprocess().mean());
        int size = lm.as(Clip.class).config().vision().imageSize();
        NDArray images = m.randomNormal(new Shape(1, 3, size, size));
        // same weights, other activation: the features must differ, or QuickGELU was not applied
        float[] gelu = tiny.as(Clip.class).encodeImage(images, false).toFloatArray();
        float[] quick = lm.as(Clip.class).encodeImage(images, false).toFloatArray();
        assertTrue(maxDiff(gelu, quick) > 1e-4, "QuickGELU made no difference");
      }
    }
  }

  static double maxDiff(float[] a, float[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
    return d;
  }
}
