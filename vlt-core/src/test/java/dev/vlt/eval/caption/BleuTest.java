package dev.vlt.eval.caption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** BLEU on examples worked out by hand. */
class BleuTest {
  @Test
  void papinenisCatOnTheMat() {
    // candidate: the cat sat on the mat (6 words)
    // ref 1:     the cat is on the mat  (6)   ref 2: there is a cat on the mat (7)
    // 1-grams: the×2 (max ref count 2), cat, sat (0), on, mat → clipped 5 of 6
    // 2-grams: the cat ✓, cat sat ✗, sat on ✗, on the ✓, the mat ✓ → 3 of 5
    // 3-grams: the cat sat ✗, cat sat on ✗, sat on the ✗, on the mat ✓ → 1 of 4
    // 4-grams: the cat sat on, cat sat on the, sat on the mat: none → 0 of 3
    // closest reference length 6 = candidate length, so BP = 1
    // BLEU-1 = 5/6; BLEU-2 = √(5/6 · 3/5) = √0.5; BLEU-3 = ∛(5/6 · 3/5 · 1/4) = ∛0.125 = 0.5; BLEU-4 = 0
    double[] b = Bleu.compute(List.of("the cat sat on the mat"),
        List.of(List.of("the cat is on the mat", "there is a cat on the mat")));
    assertArrayEquals(new double[] {5.0 / 6, Math.sqrt(0.5), 0.5, 0}, b, 1e-12);
  }

  @Test
  void corpusLevelPrecisionsAndBrevityPenalty() {
    // caption 1: "a red circle"  refs "a red circle" (3 words), "a small red circle" (4): closest length 3
    // caption 2: "a cat"         ref  "a black cat sat" (4): closest length 4
    // c = 3 + 2 = 5, r = 3 + 4 = 7 → BP = exp(1 − 7/5) = exp(−0.4) = 0.670320
    // 1-grams: 3/3 + 2/2 → p1 = 5/5 = 1
    // 2-grams: "a red", "red circle" both match; "a cat" does not → p2 = 2/3 (corpus level: the sentence mean would be 1/2)
    // 3-grams: "a red circle" matches; caption 2 has none → p3 = 1/1
    // BLEU-1 = 0.670320; BLEU-2 = 0.670320 · √(2/3) = 0.547314; BLEU-3 = 0.670320 · ∛(2/3) = 0.585578
    // no candidate has 4 words: no 4-grams at all, BLEU-4 = 0
    double[] b = Bleu.compute(List.of("a red circle", "a cat"),
        List.of(List.of("a red circle", "a small red circle"), List.of("a black cat sat")));
    assertEquals(0.670320046, b[0], 1e-9);
    assertEquals(0.547314026, b[1], 1e-9);
    assertEquals(0.585578497, b[2], 1e-9);
    assertEquals(0, b[3]);
  }

  @Test
  void closestReferenceLengthPrefersTheShorterOnATie() {
    // candidate of 5 words, references of 4 and 6: both 1 away; the shorter (4) is taken, so c = 5 > r = 4 and BP = 1.
    // (taking 6 would give BP = exp(1 − 6/5) = 0.8187.) All 5 unigrams match the 6-word reference: BLEU-1 = 1.
    double[] b = Bleu.compute(List.of("one two three four five"),
        List.of(List.of("one two three four", "one two three four five six")));
    assertEquals(1.0, b[0], 1e-12);
    assertEquals(4, Bleu.closestLength(5, List.of(List.of("a", "b", "c", "d"), List.of("a", "b", "c", "d", "e", "f"))));
  }

  @Test
  void tokenizationLowercasesAndDropsPunctuation() {
    assertEquals(List.of("a", "red", "circle", "and", "a", "blue", "square"), Tokenized.words("A red circle, and a Blue square."));
    assertEquals(1.0, Bleu.compute(List.of("A Red circle!"), List.of(List.of("a red circle")))[2], 1e-12);
  }

  @Test
  void mismatchedInputIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Bleu.compute(List.of("a"), List.of()));
    assertThrows(IllegalArgumentException.class, () -> Bleu.compute(List.of("a"), List.of(List.of())));
  }
}
