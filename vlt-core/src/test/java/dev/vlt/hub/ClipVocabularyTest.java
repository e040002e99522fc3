package dev.vlt.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import dev.vlt.io.hf.HfTokenizerFiles;
import dev.vlt.tokenize.ClipBpeTokenizer;
import dev.vlt.tokenize.Tokenizer;
import dev.vlt.tokenize.TokenizerSpec;
import dev.vlt.tokenize.Tokenizers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a machine without open_clip's merges file, CLIP's BPE vocabulary comes from the hub on first use (OpenAI's repo's
 * vocab.json + merges.txt, with the download's integrity checks) and gives open_clip's ids; offline with nothing cached,
 * the error still says where to put the file.
 */
class ClipVocabularyTest {
  static final Path GZ = Fixtures.fixture("tokenizer", "bpe_simple_vocab_16e6.txt.gz");
  static final TokenizerSpec CLIP = new TokenizerSpec(77, TokenizerSpec.CLIP_VOCAB_SIZE, null, false);

  @AfterEach
  void restoreTheDefaultHub() {
    PretrainedSource.configure(null, null);
  }

  @Test
  void fetchedOnceGivesOpenClipsIdsAndIsUsedOfflineAfterwards(@TempDir Path tmp) throws Exception {
    Path repo = tmp.resolve("repo");
    HfTokenizerFiles.writeClip(GZ, 77, repo);
    Path home = Files.createDirectories(tmp.resolve("home"));   // no ~/.cache/vlt/bpe_simple_vocab_16e6.txt.gz here
    Path cache = tmp.resolve("cache");
    try (TestHub hub = new TestHub().repo(HubClipVocabulary.REPO.toString(), repo)) {
      hub.fault("merges.txt").corrupt = true;                   // the first answer is damaged: the checksum refuses it
      PretrainedSource.configure(new HubConfig(hub.endpoint, cache, null, false, Duration.ofSeconds(2), Duration.ofSeconds(5), 3), null);
      IllegalArgumentException damaged = assertThrows(IllegalArgumentException.class,
          () -> Tokenizers.resolve(null, CLIP, null, "m", k -> null, home, List.of(new HubClipVocabulary())));
      assertTrue(damaged.getMessage().contains("merges.txt: git blob id") && damaged.getMessage().contains("discarded"), damaged.getMessage());
      Tokenizer t = Tokenizers.resolve(null, CLIP, null, "ViT-B-32 (registry)", k -> null, home, List.of(new HubClipVocabulary()));
      assertSameIdsAsOpenClip(t);
      assertTrue(hub.log.stream().anyMatch(l -> l.contains("vocab.json")) && hub.log.stream().anyMatch(l -> l.contains("merges.txt")), hub.log.toString());
    }
    // the hub is gone: the cached files serve, offline or not
    PretrainedSource.configure(HubConfig.fromEnvironment().withCache(cache).withOffline(true), null);
    assertSameIdsAsOpenClip(Tokenizers.resolve(null, CLIP, null, "m", k -> null, home, List.of(new HubClipVocabulary())));
  }

  @Test
  void offlineWithNothingCachedKeepsTheMessageAndSaysWhy(@TempDir Path tmp) throws Exception {
    PretrainedSource.configure(HubConfig.fromEnvironment().withCache(tmp.resolve("cache")).withOffline(true), null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tokenizers.resolve(null, CLIP, null, "m", k -> null, tmp, List.of(new HubClipVocabulary())));
    assertTrue(e.getMessage().contains("could not be downloaded (offline: openai/clip-vit-base-patch32"), e.getMessage());
    assertTrue(e.getMessage().contains(tmp.resolve(".cache/vlt/bpe_simple_vocab_16e6.txt.gz").toString()), e.getMessage());
  }

  private static void assertSameIdsAsOpenClip(Tokenizer t) throws Exception {
    assertTrue(t instanceof ClipBpeTokenizer);
    JsonNode cases = new ObjectMapper().readTree(Fixtures.fixture("tokenizer", "cases.json").toFile()).get("cases");
    int n = 0;
    for (JsonNode c : cases) {
      long[] want = new long[c.get("ids").size()];
      for (int i = 0; i < want.length; i++) want[i] = c.get("ids").get(i).asLong();
      assertArrayEquals(want, t.tokenize(c.get("text").asText()), c.get("text").asText());
      n++;
    }
    assertEquals(307, n);
  }
}
