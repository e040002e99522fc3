package dev.vlt.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model finds its tokenizer without flags, and says where to put CLIP's merges file when it is missing and unreachable. */
class TokenizersTest {
  static final Path MERGES = Fixtures.fixture("tokenizer", "bpe_simple_vocab_16e6.txt.gz");
  static final Path E2E = Fixtures.fixture("clip_e2e_tiny");
  static final TokenizerSpec CLIP_77 = new TokenizerSpec(77, TokenizerSpec.CLIP_VOCAB_SIZE, null, false);
  static final List<ClipVocabularySource> NO_HUB = List.of();

  @Test
  void endToEndFolderTokenizesItsTextsLikeOpenClip() throws IOException {
    Tokenizer t = Tokenizers.resolve(E2E, CLIP_77, MERGES, "e2e");
    JsonNode texts = new ObjectMapper().readTree(E2E.resolve("expected/texts.json").toFile()).get("texts");
    assertEquals(41, texts.size());
    for (JsonNode text : texts) {
      long[] want = new long[text.get("ids").size()];
      for (int i = 0; i < want.length; i++) want[i] = text.get("ids").get(i).asLong();
      assertArrayEquals(want, t.tokenize(text.get("text").asText()), text.get("text").asText());
    }
  }

  @Test
  void contextLengthComesFromTheModel(@TempDir Path dir) {
    Tokenizer t = Tokenizers.resolve(dir, new TokenizerSpec(16, TokenizerSpec.CLIP_VOCAB_SIZE, null, false), MERGES, "m");
    assertEquals(16, t.contextLength());
    assertEquals(16, t.tokenize("a photo of a cat").length);
  }

  @Test
  void defaultMergesAreFoundInTheEnvironmentThenTheCache(@TempDir Path home) throws IOException {
    Path model = Files.createDirectories(home.resolve("model"));
    assertEquals(77, Tokenizers.resolve(model, CLIP_77, null, "m", Map.of(Tokenizers.ENV_CLIP_BPE, MERGES.toString())::get, home,
        NO_HUB).contextLength());
    Path cached = Files.createDirectories(home.resolve(".cache/vlt")).resolve(Tokenizers.CLIP_MERGES);
    Files.copy(MERGES, cached);
    assertEquals(cached, Tokenizers.localClipMerges(k -> null, home).orElseThrow());
    assertEquals(77, Tokenizers.resolve(null, CLIP_77, null, "registry model", k -> null, home, NO_HUB).contextLength(),
        "a model without a folder uses CLIP's BPE where its vocabulary is CLIP's");
  }

  @Test
  void aMissingMergesFileSaysWhereToPutItAndWhyTheDownloadFailed(@TempDir Path home) throws IOException {
    Path model = Files.createDirectories(home.resolve("model"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tokenizers.resolve(model, CLIP_77, null, "m", k -> null, home, NO_HUB));
    assertTrue(e.getMessage().contains(home.resolve(".cache/vlt/bpe_simple_vocab_16e6.txt.gz").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("VLT_CLIP_BPE"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    ClipVocabularySource offline = () -> {
      throw new IOException("offline: openai/clip-vit-base-patch32@main [vocab.json, merges.txt] is not in the cache");
    };
    e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.resolve(model, CLIP_77, null, "m", k -> null, home, List.of(offline)));
    assertTrue(e.getMessage().contains("could not be downloaded (offline: openai/clip-vit-base-patch32"), e.getMessage());
    IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
        () -> Tokenizers.resolve(model, CLIP_77, null, "m", Map.of(Tokenizers.ENV_CLIP_BPE, "/nonexistent/bpe.gz")::get, home, NO_HUB));
    assertTrue(env.getMessage().startsWith("VLT_CLIP_BPE=/nonexistent/bpe.gz is not a file"), env.getMessage());
  }

  @Test
  void theModelFolderOwnFilesComeBeforeTheDefault(@TempDir Path dir) throws IOException {
    Files.copy(MERGES, dir.resolve(Tokenizers.CLIP_MERGES));
    assertInstanceOf(ClipBpeTokenizer.class, Tokenizers.resolve(dir, CLIP_77, null, "m", k -> null, dir.resolve("nohome"), NO_HUB));
    Path other = Files.createDirectories(dir.resolve("other"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.resolve(other,
        new TokenizerSpec(77, 30522, "bert-base-uncased", true), null, "m", k -> null, dir, NO_HUB));
    assertTrue(e.getMessage().contains("bert-base-uncased") && e.getMessage().contains("tokenizer.json"), e.getMessage());
  }

  @Test
  void aSmallVocabularyWithoutFilesNeedsATokenizer(@TempDir Path dir) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.resolve(dir,
        new TokenizerSpec(32, 1024, null, false), null, "shapes-small", k -> null, dir, NO_HUB));
    assertTrue(e.getMessage().contains("1024 tokens") && e.getMessage().contains("--tokenizer"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.resolve(dir, new TokenizerSpec(32, 1024, null, false), MERGES,
        "shapes-small", k -> null, dir, NO_HUB));
    assertTrue(e.getMessage().contains("49408 tokens but the model's vocabulary only 1024"), e.getMessage());
  }

  @Test
  void badPathsAreOneLineErrors(@TempDir Path dir) {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Tokenizers.resolve(dir.resolve("nope"), CLIP_77, null, "m"))
        .getMessage().contains("does not exist"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Tokenizers.resolve(dir, CLIP_77, dir.resolve("x.gz"), "m"))
        .getMessage().contains("does not exist"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Tokenizers.resolve(dir, CLIP_77, dir, "m"))
        .getMessage().contains("holds neither"));
  }
}
