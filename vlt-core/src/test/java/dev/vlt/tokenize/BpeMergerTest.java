package dev.vlt.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vlt.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The heap-based merge loop agrees with a direct transcription of open_clip's bpe() loop. */
class BpeMergerTest {
  @Test
  void heapMergeEqualsTheSimpleLoop() {
    BpeVocab vocab = BpeFiles.openClipMerges(Fixtures.fixture("tokenizer", "bpe_simple_vocab_16e6.txt.gz"));
    Map<String, Integer> ids = vocab.ids();
    BpeMerger merger = new BpeMerger(vocab.mergeIds(ids));
    Map<String, Integer> ranks = new HashMap<>();
    for (int r = 0; r < vocab.merges().size(); r++) ranks.put(vocab.merges().get(r)[0] + " " + vocab.merges().get(r)[1], r);

    List<String> words = new ArrayList<>(List.of("photograph", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "ababababababab", "lollollol",
        "日本語のテキスト", "🐱🐱🐱🐱🐱", "supercalifragilisticexpialidocious", "x"));
    SplittableRandom rnd = new SplittableRandom(5);
    String letters = "aeioustnrlmhbkq";
    for (int i = 0; i < 300; i++) {
      StringBuilder w = new StringBuilder();
      for (int k = 1 + rnd.nextInt(40); k > 0; k--) w.append(letters.charAt(rnd.nextInt(rnd.nextBoolean() ? 3 : letters.length())));
      words.add(w.toString());
    }
    for (String word : words) {
      byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
      List<String> symbols = new ArrayList<>();
      for (byte b : bytes) symbols.add(String.valueOf(ByteUnicode.charOf(b)));
      symbols.set(symbols.size() - 1, symbols.get(symbols.size() - 1) + "</w>");
      int[] ids0 = symbols.stream().mapToInt(ids::get).toArray();
      List<String> want = simpleLoop(symbols, ranks);
      int[] got = merger.merge(ids0);
      assertEquals(want, Arrays.stream(got).mapToObj(id -> vocab.tokens()[id]).toList(), word);
    }
  }

  /** open_clip's loop: merge every occurrence of the lowest-ranked pair, left to right, until none is ranked. */
  static List<String> simpleLoop(List<String> word, Map<String, Integer> ranks) {
    while (word.size() > 1) {
      int best = Integer.MAX_VALUE;
      for (int i = 0; i + 1 < word.size(); i++) best = Math.min(best, ranks.getOrDefault(word.get(i) + " " + word.get(i + 1), Integer.MAX_VALUE));
      if (best == Integer.MAX_VALUE) break;
      List<String> next = new ArrayList<>();
      for (int i = 0; i < word.size(); i++) {
        if (i + 1 < word.size() && ranks.getOrDefault(word.get(i) + " " + word.get(i + 1), -1) == best) {
          next.add(word.get(i) + word.get(i + 1));
          i++;
        } else {
          next.add(word.get(i));
        }
      }
      word = next;
    }
    return word;
  }
}
