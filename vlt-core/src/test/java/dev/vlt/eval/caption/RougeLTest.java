package dev.vlt.eval.caption;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** ROUGE-L on examples worked out by hand (β = 1.2, β² = 1.44). */
class RougeLTest {
  @Test
  void precisionRecallAndFOfTwoCaptions() {
    // caption 1: "a red circle" vs "a small red circle": LCS = a red circle = 3; P = 3/3 = 1, R = 3/4
    //   F = (1 + 1.44)·1·0.75 / (0.75 + 1.44·1) = 1.83 / 2.19 = 0.835616
    // caption 2: "circle red" vs "a red circle": LCS = 1 ("red" or "circle"); P = 1/2, R = 1/3
    //   F = 2.44·(1/6) / (1/3 + 1.44/2) = 0.406667 / 1.053333 = 0.386076
    // corpus: mean = (0.835616 + 0.386076) / 2 = 0.610846
    double score = RougeL.compute(List.of("a red circle", "circle red"),
        List.of(List.of("a small red circle"), List.of("a red circle")));
    assertEquals(0.6108461939, score, 1e-9);
  }

  @Test
  void precisionAndRecallAreMaximisedSeparatelyOverReferences() {
    // "a b c" vs "a b c d e f": LCS 3, P = 1, R = 1/2; vs "a b": LCS 2, P = 2/3, R = 1.
    // coco-caption takes P = max = 1 (first) and R = max = 1 (second), so F = 1, though no single reference gives 1.
    assertEquals(1.0, RougeL.compute(List.of("a b c"), List.of(List.of("a b c d e f", "a b"))), 1e-12);
    assertEquals(0.0, RougeL.compute(List.of("x y"), List.of(List.of("a b"))), 0.0);
  }

  @Test
  void longestCommonSubsequence() {
    // the cat sat on the mat / there is a cat on the mat: "cat on the mat" (the first "the" has no partner before "cat")
    assertEquals(4, RougeL.lcs(Tokenized.words("the cat sat on the mat"), Tokenized.words("there is a cat on the mat")));
    assertEquals(5, RougeL.lcs(Tokenized.words("the cat sat on the mat"), Tokenized.words("the cat is on the mat")));
    assertEquals(0, RougeL.lcs(List.of(), List.of("a")));
  }
}
