package dev.vlt.eval.caption;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CIDEr-D on two-image corpora worked out by hand. With N = 2 images, idf(g) = log 2 − log max(1, df(g)): L = log 2 for
 * an n-gram in one image's references (or in none), 0 for one in both.
 */
class CiderDTest {
  @Test
  void exactAndPartialMatches() {
    // image 1: cand "a red circle", ref "a red circle"; image 2: cand "a red square", ref "a blue square".
    // df: "a" in both images → weight 0; every other n-gram weight L.
    // image 1: n = 1: vectors (a 0, red L, circle L) on both sides → cosine 1; n = 2 ("a red", "red circle") → 1;
    //   n = 3 ("a red circle") → 1; n = 4: no 4-grams → 0. Equal lengths: penalty 1. 10 · (1+1+1+0)/4 = 7.5
    // image 2: n = 1: cand (a 0, red L, square L), ref (a 0, blue L, square L): Σ min·ref = L² ("square");
    //   norms √2·L each → L² / 2L² = 0.5; n = 2, 3: no shared n-gram → 0. 10 · 0.5/4 = 1.25
    // corpus = (7.5 + 1.25) / 2 = 4.375
    double score = CiderD.compute(List.of("a red circle", "a red square"),
        List.of(List.of("a red circle"), List.of("a blue square")));
    assertEquals(4.375, score, 1e-9);
  }

  @Test
  void gaussianLengthPenalty() {
    // image 1: cand "red circle" (2 words) vs ref "a red circle" (3): δ = −1, penalty exp(−1/72) = 0.986207
    //   n = 1: cand (red L, circle L), ref (a 0, red L, circle L): 2L² / (√2L · √2L) = 1
    //   n = 2: cand ("red circle" L), ref ("a red" L, "red circle" L): L² / (L · √2L) = 1/√2 = 0.707107
    //   n = 3, 4: the candidate has none → 0
    //   10 · 0.986207 · (1 + 0.707107) / 4 = 4.208902
    // image 2: cand = ref = "a blue square" → 7.5 (as in exactAndPartialMatches)
    // corpus = (4.208902 + 7.5) / 2 = 5.854451
    double score = CiderD.compute(List.of("red circle", "a blue square"),
        List.of(List.of("a red circle"), List.of("a blue square")));
    assertEquals(5.854451071, score, 1e-9);
  }

  @Test
  void countsAreClippedByTheReference() {
    // image 1: cand "red red red" vs ref "red". n = 1: cand (red 3L), ref (red L): min(3L, L)·L / (3L · L) = 1/3
    //   (unclipped it would be 3L·L / 3L² = 1); n = 2: the ref has no bigram, norm 0 → 0.
    //   δ = 3 − 1 = 2, penalty exp(−4/72) = 0.945959 → 10 · 0.945959/3 / 4 = 0.788300
    // image 2: cand = ref = "blue": n = 1 → 1, nothing else → 10 · 1/4 = 2.5
    // corpus = (0.788300 + 2.5) / 2 = 1.644150
    double score = CiderD.compute(List.of("red red red", "blue"), List.of(List.of("red"), List.of("blue")));
    assertEquals(1.644149779, score, 1e-9);
  }

  @Test
  void documentFrequencyCountsImagesNotReferences() {
    // a repeated reference neither changes df (one image) nor the mean over references
    List<String> cands = List.of("a red square", "a blue circle");
    double once = CiderD.compute(cands, List.of(List.of("a red circle"), List.of("a blue square")));
    double twice = CiderD.compute(cands, List.of(List.of("a red circle", "a red circle"), List.of("a blue square")));
    assertEquals(once, twice, 1e-12);
    // an n-gram in every image's references carries no weight: "a" alone matches nothing
    assertEquals(0.0, CiderD.compute(List.of("a", "a"), List.of(List.of("a red"), List.of("a blue"))), 1e-12);
  }
}
