package dev.vlt.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same CLIP vocabulary published as transformers' vocab.json + merges.txt, or as tokenizer.json, gives the same ids. */
class HfClipFilesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static ClipBpeTokenizer reference;
  static List<String> texts = new ArrayList<>();
  static List<String> merges = new ArrayList<>();
  static Map<String, Integer> vocab = new LinkedHashMap<>();

  /** Builds transformers' vocab the way the fixture header describes it, straight from the gzip file. */
  @BeforeAll
  static void load() throws IOException {
    Path gz = Fixtures.fixture("tokenizer", "bpe_simple_vocab_16e6.txt.gz");
    reference = ClipBpeTokenizer.fromMergesFile(gz, 77);
    JSON.readTree(Fixtures.fixture("tokenizer", "cases.json").toFile()).get("cases").forEach(c -> texts.add(c.get("text").asText()));
    String[] lines;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
    }
    for (int i = 1; i <= 48894; i++) merges.add(lines[i]);
    List<String> bytes = new ArrayList<>();
    for (int b = '!'; b <= '~'; b++) bytes.add(String.valueOf((char) b));
    for (int b = 0xA1; b <= 0xAC; b++) bytes.add(String.valueOf((char) b));
    for (int b = 0xAE; b <= 0xFF; b++) bytes.add(String.valueOf((char) b));
    for (int k = 0; bytes.size() < 256; k++) bytes.add(String.valueOf((char) (256 + k)));
    for (String b : bytes) vocab.put(b, vocab.size());
    for (String b : bytes) vocab.put(b + "</w>", vocab.size());
    for (String m : merges) vocab.put(m.replace(" ", ""), vocab.size());
    vocab.put("<|startoftext|>", vocab.size());
    vocab.put("<|endoftext|>", vocab.size());
  }

  @Test
  void vocabJsonAndMergesTxtGiveTheSameIds(@TempDir Path dir) throws IOException {
    Files.write(dir.resolve("vocab.json"), JSON.writeValueAsBytes(vocab));
    Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n" + String.join("\n", merges) + "\n");
    // found in a model folder by the resolver, which reads them with ClipBpeTokenizer.fromVocabAndMerges
    Tokenizer hf = Tokenizers.resolve(dir, new TokenizerSpec(77, 49408, null, false), null, "m", k -> null, dir, java.util.List.of());
    assertSameAsReference(assertInstanceOf(ClipBpeTokenizer.class, hf));
  }

  @Test
  void tokenizerJsonGivesTheSameIds(@TempDir Path dir) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode added = root.putArray("added_tokens");
    added.addObject().put("id", 49406).put("content", "<|startoftext|>").put("special", true);
    added.addObject().put("id", 49407).put("content", "<|endoftext|>").put("special", true);
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE").put("end_of_word_suffix", "</w>").put("unk_token", "<|endoftext|>");
    ObjectNode v = model.putObject("vocab");
    vocab.forEach((token, id) -> { if (id < 49406) v.put(token, id); });
    ArrayNode m = model.putArray("merges");
    for (int i = 0; i < merges.size(); i++) {
      String[] pair = merges.get(i).split(" ");
      if (i % 2 == 0) m.add(merges.get(i)); // both spellings of a merge that tokenizers has used
      else m.addArray().add(pair[0]).add(pair[1]);
    }
    Path file = dir.resolve("tokenizer.json");
    Files.write(file, JSON.writeValueAsBytes(root));
    // the resolver sees a CLIP-style BPE and loads it with ClipBpeTokenizer.fromTokenizerJson, not the library
    assertSameAsReference(assertInstanceOf(ClipBpeTokenizer.class, Tokenizers.fromFile(file, 77, false)));
  }

  @Test
  void aMergeWithAnUnknownTokenIsNamed(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0, \"<|startoftext|>\": 1, \"<|endoftext|>\": 2}");
    Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\na b\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClipBpeTokenizer.fromVocabAndMerges(dir.resolve("vocab.json"), dir.resolve("merges.txt"), 77));
    assertTrue(e.getMessage().contains("merge 1 needs token 'b'"), e.getMessage());
  }

  private static void assertSameAsReference(ClipBpeTokenizer hf) {
    assertEquals(reference.vocabSize(), hf.vocabSize());
    long[][] want = reference.tokenize(texts);
    long[][] got = hf.tokenize(texts);
    for (int i = 0; i < texts.size(); i++) assertArrayEquals(want[i], got[i], texts.get(i));
    int[] content = reference.encode("a photo of a cat");
    assertEquals(reference.decode(content), hf.decode(content));
  }
}
