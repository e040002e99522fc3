package dev.vlt.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A BPE trained on captions saves as vocab.json + merges.txt, loads back, round-trips, and is the same every time. */
class BpeTrainerTest {
  static List<String> corpus = new ArrayList<>();

  @BeforeAll
  static void corpus() {
    corpus.addAll(TokenizerBench.captions(4000, 11));
    corpus.addAll(CaptionCorpus.read(Fixtures.data("photos-skimage", "captions.jsonl")));
    corpus.addAll(List.of("Ein Café in München, naïve Ångström", "猫が好きです 🐱🐱", "don't stop — it's “fine”", "x² + y² = z²"));
  }

  @Test
  void trainedVocabularyLoadsBackAndRoundTrips(@TempDir Path dir) {
    TrainedBpe bpe = BpeTrainer.train(corpus, 1200);
    assertEquals(1200, bpe.vocabSize());
    assertEquals(1200 - BpeTrainer.BASE_VOCAB, bpe.merges().size()); // each merge made a new token on this corpus
    bpe.save(dir);
    ClipBpeTokenizer t = ClipBpeTokenizer.fromVocabAndMerges(dir.resolve("vocab.json"), dir.resolve("merges.txt"), 77);
    assertEquals(1200, t.vocabSize());
    assertEquals(1198, t.sotId().orElseThrow());
    assertEquals(List.of("photo</w>"), t.bpeTokens("photo")); // a frequent word became one token
    for (String caption : corpus) {
      String cleaned = TextCleaner.clean(caption, true);
      List<String> words = new ArrayList<>();
      PreTokenizer.split(cleaned, (s, e) -> words.add(cleaned.substring(s, e) + " "));
      assertEquals(String.join("", words), t.decode(t.encode(caption)), caption);
    }
    long[] row = t.tokenize("a photo of a cat");
    assertEquals(1199, row[t.encode("a photo of a cat").length + 1]);
  }

  @Test
  void sameCorpusSameVocabularyWhateverTheOrder() {
    List<String> shuffled = new ArrayList<>(corpus);
    Collections.shuffle(shuffled, new Random(3));
    TrainedBpe a = BpeTrainer.train(corpus, 800);
    TrainedBpe b = BpeTrainer.train(shuffled, 800);
    assertEquals(a.tokens(), b.tokens());
    assertEquals(a.merges().stream().map(m -> m[0] + " " + m[1]).toList(), b.merges().stream().map(m -> m[0] + " " + m[1]).toList());
  }

  @Test
  void stopsWhenNoPairRepeats() {
    TrainedBpe bpe = BpeTrainer.train(List.of("abc"), 5000);
    assertEquals(0, bpe.merges().size()); // every pair occurs once: below the default minimum frequency 2
    TrainedBpe once = BpeTrainer.train(List.of("abc"), 5000, 1);
    assertEquals(List.of("a b", "ab c</w>"), once.merges().stream().map(m -> m[0] + " " + m[1]).toList());
    assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train(corpus, 100));
  }

  @Test
  void readsJsonlCsvAndPlainText(@TempDir Path dir) throws IOException {
    Path jsonl = Files.writeString(dir.resolve("c.jsonl"), "{\"caption\": \"a cat\"}\n\n{\"text\": \"a dog\", \"id\": 2}\n");
    Path csv = Files.writeString(dir.resolve("c.csv"), "id,Caption\n1,\"a cat, sitting\"\n2,\"say \"\"hi\"\"\nthere\"\n");
    Path txt = Files.writeString(dir.resolve("c.txt"), "a cat\r\n\r\na dog\n");
    assertEquals(List.of("a cat", "a dog"), CaptionCorpus.read(jsonl));
    assertEquals(List.of("a cat, sitting", "say \"hi\"\nthere"), CaptionCorpus.read(csv));
    assertEquals(List.of("a cat", "a dog"), CaptionCorpus.read(txt));
    Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"caption\": \"ok\"}\n{\"url\": \"x\"}\n");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CaptionCorpus.read(bad)).getMessage().contains("line 2"));
    Path noColumn = Files.writeString(dir.resolve("bad.csv"), "id,url\n1,x\n");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CaptionCorpus.read(noColumn)).getMessage().contains("no \"caption\""));
  }
}
