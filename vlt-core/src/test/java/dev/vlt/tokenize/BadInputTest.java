package dev.vlt.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.Fixtures;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hostile text never throws and gives rows a model can take: sot first, eot present, ids in the vocabulary. */
class BadInputTest {
  static ClipBpeTokenizer tokenizer;
  static final int SOT = 49406, EOT = 49407;

  @BeforeAll
  static void load() {
    tokenizer = ClipBpeTokenizer.fromMergesFile(Fixtures.fixture("tokenizer", "bpe_simple_vocab_16e6.txt.gz"), 77);
  }

  static long[] row(String text) {
    long[] row = tokenizer.tokenize(text);
    assertEquals(77, row.length);
    assertEquals(SOT, row[0]);
    assertTrue(Arrays.stream(row).allMatch(id -> id >= 0 && id < 49408));
    return row;
  }

  @Test
  void emptyTextIsSotEot() {
    assertArrayEquals(new long[] {SOT, EOT, 0}, Arrays.copyOf(row(""), 3));
    assertEquals(0, tokenizer.encode("").length);
    assertEquals("", tokenizer.decode(new int[0]));
  }

  @Test
  void tenMegabytesAreTruncatedWithEotLast() {
    String caption = "a photo of a cat on a mat ";
    String big = caption.repeat(10_000_000 / caption.length());
    long[] row = row(big);
    assertEquals(EOT, row[76]);
    assertArrayEquals(Arrays.copyOfRange(row(caption.repeat(4)), 1, 30), Arrays.copyOfRange(row, 1, 30));
    // a 2 MB "word" goes through BPE whole: the merge loop is O(n log n); quadratic would take hours
    long[] word = row("a".repeat(2_000_000));
    assertEquals(EOT, word[76]);
    assertTrue(Arrays.stream(word, 1, 76).allMatch(id -> id != 0 && id != EOT));
  }

  @Test
  void loneSurrogatesBecomeReplacementCharacters() {
    int[] replacement = tokenizer.encode("\uFFFD");
    assertArrayEquals(replacement, tokenizer.encode("\uD83D"));
    assertArrayEquals(replacement, tokenizer.encode("\uDE00"));
    assertEquals(tokenizer.encode("cat").length + replacement.length, tokenizer.encode("cat\uD83D").length);
    assertArrayEquals(tokenizer.encode("\uD83D\uDE00"), tokenizer.encode("😀")); // a proper pair is one emoji
    row("\uDE00\uD83D");
  }

  @Test
  void controlCharactersAndNulAreDropped() {
    assertArrayEquals(tokenizer.encode("null"), tokenizer.encode("\0null"));
    assertArrayEquals(tokenizer.encode("a cat"), tokenizer.encode("a\0\u0001\u0007 c\u001Bat\u007F"));
    assertArrayEquals(tokenizer.encode("a cat"), tokenizer.encode("a\tcat\r\n"));
    assertArrayEquals(new long[] {SOT, EOT}, Arrays.copyOf(row("\0\0\0"), 2));
    row("\u0000".repeat(1000) + "\uFFFF\uFFFE\u200B\u202E");
  }
}
