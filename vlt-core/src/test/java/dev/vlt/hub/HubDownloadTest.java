package dev.vlt.hub;

import dev.vlt.models.clip.Clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.Fixtures;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole model folders from a local stand-in hub: both layouts, the cache, offline mode and the hub's error answers. */
class HubDownloadTest {
  static final Path OPEN_CLIP = Fixtures.fixture("clip_e2e_tiny");
  static final Path TRANSFORMERS = Fixtures.fixture("hf_clip_layout");
  static final RepoId TINY = RepoId.parse("test/clip-e2e-tiny");

  TestHub hub;
  @TempDir Path cache;
  final List<String> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    hub = new TestHub().repo("test/clip-e2e-tiny", OPEN_CLIP).repo("test/hf-tiny", TRANSFORMERS);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  HubConfig config() {
    return new HubConfig(hub.endpoint, cache, null, false, Duration.ofSeconds(2), Duration.ofSeconds(5), 3);
  }

  Hub client(HubConfig cfg) {
    return new Hub(cfg, new DownloadListener() {
      @Override
      public void finished(String file, Path path, boolean fromCache) {
        events.add((fromCache ? "cached " : "fetched ") + file);
      }

      @Override
      public void retrying(String file, int attempt, String reason) {
        events.add("retry " + file);
      }
    });
  }

  @Test
  void openClipRepoDownloadsVerifiedAndThenComesFromTheCache() throws Exception {
    Path dir = client(config()).download(TINY, "main");
    assertEquals(cache.resolve("hub/test--clip-e2e-tiny/main"), dir);
    for (String f : List.of("open_clip_config.json", "open_clip_model.safetensors")) {
      assertArrayEquals(Files.readAllBytes(OPEN_CLIP.resolve(f)), Files.readAllBytes(dir.resolve(f)), f);
    }
    assertEquals(Hub.Layout.OPEN_CLIP, Hub.layoutOf(dir).orElseThrow());
    assertTrue(hub.log.stream().anyMatch(l -> l.startsWith("GET /cdn/")), "weights came through the CDN redirect: " + hub.log);
    assertFalse(Files.exists(dir.resolve("config.json")));              // open_clip's layout wins; nothing else fetched
    try (LoadedModel lm = Models.load(dir)) {
      assertEquals(3_421_761, lm.as(Clip.class).parameterCount());
    }

    int before = hub.requests();
    events.clear();
    assertEquals(dir, client(config()).download(TINY, "main"));
    assertEquals(before, hub.requests(), "a complete folder needs no network");
    assertTrue(events.contains("cached open_clip_model.safetensors"), events.toString());
    assertEquals(dir, client(config().withOffline(true)).download(TINY, "main"));
  }

  @Test
  void transformersRepoDownloadsAndLoads() throws Exception {
    Path dir = client(config()).download(RepoId.parse("test/hf-tiny"), "main");
    assertEquals(Hub.Layout.TRANSFORMERS, Hub.layoutOf(dir).orElseThrow());
    assertArrayEquals(Files.readAllBytes(TRANSFORMERS.resolve("model.safetensors")), Files.readAllBytes(dir.resolve("model.safetensors")));
    assertFalse(Files.exists(dir.resolve("preprocessor_config.json")));  // optional: the fixture has none (404)
    try (LoadedModel lm = Models.load(dir)) {
      assertEquals("eos", lm.as(Clip.class).config().text().pool());
    }
  }

  @Test
  void tokenizerFilesComeFromTheTokenizerRepoWhenTheModelHasNone(@TempDir Path tok) throws Exception {
    Files.writeString(tok.resolve("vocab.json"), "{\"a\": 0}");
    Files.writeString(tok.resolve("merges.txt"), "#version: 0.2\n");
    hub.repo("test/tokenizer", tok);
    Path dir = client(config()).download(TINY, "v1", RepoId.parse("test/tokenizer"));
    assertEquals("{\"a\": 0}", Files.readString(dir.resolve("vocab.json")));
    assertTrue(Files.exists(dir.resolve("merges.txt")));
    assertTrue(hub.log.contains("GET /test/clip-e2e-tiny/resolve/v1/vocab.json"), "the model repo is asked first");
  }

  @Test
  void offlineWithoutTheFilesSaysWhatToRun() throws Exception {
    HubException e = assertThrows(HubException.class, () -> client(config().withOffline(true)).download(TINY, "main"));
    assertTrue(e.getMessage().startsWith("offline: test/clip-e2e-tiny@main is not in the cache"), e.getMessage());
    assertTrue(e.getMessage().contains("vlt download test/clip-e2e-tiny"), e.getMessage());
    assertEquals(0, hub.requests());
    // a folder left half-done (config but no weights, no manifest) is not complete
    Path dir = client(config()).folder(TINY, "main");
    Files.createDirectories(dir);
    Files.copy(OPEN_CLIP.resolve("open_clip_config.json"), dir.resolve("open_clip_config.json"));
    e = assertThrows(HubException.class, () -> client(config().withOffline(true)).download(TINY, "main"));
    assertTrue(e.getMessage().contains("is incomplete in the cache"), e.getMessage());
  }

  @Test
  void hubErrorsAreOneClearLine(@TempDir Path empty) throws Exception {
    HubException e = assertThrows(HubException.class, () -> client(config()).download(RepoId.parse("test/nope"), "main"));
    assertEquals("no such repo test/nope on localhost (or it is private: set HF_TOKEN)", e.getMessage());
    hub.repo("test/empty", empty);
    e = assertThrows(HubException.class, () -> client(config()).download(RepoId.parse("test/empty"), "main"));
    assertTrue(e.getMessage().contains("has neither open_clip_config.json nor config.json"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void gatedRepoNeedsTheTokenAndGetsIt() throws Exception {
    hub.tokens.put("test/clip-e2e-tiny", "secret");
    HubException e = assertThrows(HubException.class, () -> client(config()).download(TINY, "main"));
    assertTrue(e.getMessage().contains("gated or private (401): set HF_TOKEN"), e.getMessage());
    e = assertThrows(HubException.class, () -> client(config().withToken("wrong")).download(TINY, "main"));
    assertTrue(e.getMessage().contains("refused HF_TOKEN (403)"), e.getMessage());
    hub.log.clear();
    Path dir = client(config().withToken("secret")).download(TINY, "main");
    assertTrue(Files.exists(dir.resolve("open_clip_model.safetensors")));
    // the token goes to the hub's host (localhost) only, never to the CDN host (127.0.0.1)
    assertTrue(hub.log.stream().filter(l -> l.startsWith("GET /test/")).allMatch(l -> l.endsWith(" Auth")), hub.log.toString());
    assertTrue(hub.log.stream().filter(l -> l.startsWith("GET /cdn/")).noneMatch(l -> l.endsWith(" Auth")), hub.log.toString());
  }

  @Test
  void endpointAndCacheComeFromTheEnvironment() {
    java.util.Map<String, String> env = java.util.Map.of("HF_ENDPOINT", hub.endpoint + "/", "VLT_CACHE", cache.toString(),
        "HF_TOKEN", "t0k", "HF_HUB_OFFLINE", "1");
    HubConfig c = HubConfig.fromEnvironment(env::get, Path.of("/home/u"));
    assertEquals(hub.endpoint, c.endpoint());                      // trailing slash dropped
    assertEquals(cache, c.cache());
    assertEquals("t0k", c.token());
    assertTrue(c.offline());
    assertFalse(c.toString().contains("t0k"), "the token is never printed");
    HubConfig d = HubConfig.fromEnvironment(k -> null, Path.of("/home/u"));
    assertEquals("https://huggingface.co", d.endpoint().toString());
    assertEquals(Path.of("/home/u/.cache/vlt"), d.cache());
    assertFalse(d.offline());
    assertEquals("https://huggingface.co/laion/CLIP-ViT-B-32-laion2B-s34B-b79K/resolve/refs%2Fpr%2F1/open_clip_config.json",
        new HubClient(d, DownloadListener.NONE).url(RepoId.parse("laion/CLIP-ViT-B-32-laion2B-s34B-b79K"), "refs/pr/1",
            "open_clip_config.json").toString());
    assertThrows(IllegalArgumentException.class, () -> RepoId.parse("../etc"));
    assertThrows(IllegalArgumentException.class, () -> RepoId.parse("a/b/c"));
  }
}
