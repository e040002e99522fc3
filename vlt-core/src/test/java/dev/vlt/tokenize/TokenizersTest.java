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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model folder finds its tokenizer without flags, and says where to put CLIP's merges file when it is missing. */
class TokenizersTest {
  static final Path MERGES = Fixtures.fixture("tokenizer", "bpe_simple_vocab_16e6.txt.gz");
  static final Path E2E = Fixtures.fixture("clip_e2e_tiny");

  @Test
  void endToEndFolderTokenizesItsTextsLikeOpenClip() throws IOException {
    Tokenizer t = Tokenizers.forModelDir(E2E, MERGES);
    JsonNode texts = new ObjectMapper().readTree(E2E.resolve("expected/texts.json").toFile()).get("texts");
    assertEquals(41, texts.size());
    for (JsonNode text : texts) {
      long[] want = new long[text.get("ids").size()];
      for (int i = 0; i < want.length; i++) want[i] = text.get("ids").get(i).asLong();
      assertArrayEquals(want, t.tokenize(text.get("text").asText()), text.get("text").asText());
    }
  }

  @Test
  void contextLengthComesFromTheConfig(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("open_clip_config.json"), "{\"model_cfg\": {\"text_cfg\": {\"context_length\": 16}}}");
    Tokenizer t = Tokenizers.forModelDir(dir, MERGES);
    assertEquals(16, t.contextLength());
    assertEquals(16, t.tokenize("a photo of a cat").length);
    Files.writeString(dir.resolve("open_clip_config.json"), "{\"model_cfg\": {\"text_cfg\": {\"context_length\": \"long\"}}}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.forModelDir(dir, MERGES));
    assertTrue(e.getMessage().contains("model_cfg.text_cfg.context_length"), e.getMessage());
  }

  @Test
  void defaultMergesAreFoundInTheEnvironmentThenTheCache(@TempDir Path home) throws IOException {
    Path model = Files.createDirectories(home.resolve("model"));
    assertEquals(77, Tokenizers.forModelDir(model, null, Map.of(Tokenizers.ENV_CLIP_BPE, MERGES.toString())::get, home).contextLength());
    Path cached = Files.createDirectories(home.resolve(".cache/vlt")).resolve(Tokenizers.CLIP_MERGES);
    Files.copy(MERGES, cached);
    assertEquals(cached, Tokenizers.defaultClipMerges(k -> null, home));
  }

  @Test
  void aMissingMergesFileSaysWhereToPutIt(@TempDir Path home) throws IOException {
    Path model = Files.createDirectories(home.resolve("model"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.forModelDir(model, null, k -> null, home));
    assertTrue(e.getMessage().contains(home.resolve(".cache/vlt/bpe_simple_vocab_16e6.txt.gz").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("VLT_CLIP_BPE"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
        () -> Tokenizers.forModelDir(model, null, Map.of(Tokenizers.ENV_CLIP_BPE, "/nonexistent/bpe.gz")::get, home));
    assertTrue(env.getMessage().startsWith("VLT_CLIP_BPE=/nonexistent/bpe.gz is not a file"), env.getMessage());
  }

  @Test
  void theModelFolderOwnFilesComeBeforeTheDefault(@TempDir Path dir) throws IOException {
    Files.copy(MERGES, dir.resolve(Tokenizers.CLIP_MERGES));
    assertInstanceOf(ClipBpeTokenizer.class, Tokenizers.forModelDir(dir, null, k -> null, dir.resolve("nohome")));
    Files.writeString(dir.resolve("open_clip_config.json"), "{\"model_cfg\": {\"text_cfg\": {\"hf_tokenizer_name\": \"bert-base-uncased\"}}}");
    Path other = Files.createDirectories(dir.resolve("other"));
    Files.copy(dir.resolve("open_clip_config.json"), other.resolve("open_clip_config.json"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.forModelDir(other, null, k -> null, dir));
    assertTrue(e.getMessage().contains("bert-base-uncased") && e.getMessage().contains("tokenizer.json"), e.getMessage());
  }

  @Test
  void badPathsAreOneLineErrors(@TempDir Path dir) {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Tokenizers.forModelDir(dir.resolve("nope"), null))
        .getMessage().contains("does not exist"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Tokenizers.forModelDir(dir, dir.resolve("x.gz")))
        .getMessage().contains("does not exist"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Tokenizers.forModelDir(dir, dir))
        .getMessage().contains("holds neither"));
  }
}
