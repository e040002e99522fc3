package dev.vlt.models.caption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The decoding strategies against fake next-token distributions whose best answers are known. */
class TokenSearchTest {
  private static final int A = 1;
  private static final int B = 2;
  private static final int EOT = 3;
  private static final int SOT = 4;
  private static final int VOCAB = 5;

  /** Logits that are log-probabilities given as {token, p} pairs; unlisted tokens get p = 1e-9. */
  private static float[] probs(double... tokenProb) {
    float[] l = new float[VOCAB];
    Arrays.fill(l, (float) Math.log(1e-9));
    for (int i = 0; i < tokenProb.length; i += 2) l[(int) tokenProb[i]] = (float) Math.log(tokenProb[i + 1]);
    return l;
  }

  /**
   * The classic case where greedy loses: after the start, "a" (0.6) beats "b" (0.4); but "a" is then followed by the end
   * token with 0.4 only (P[a] = 0.6 · 0.4 = 0.24) while "b" ends with 0.9 (P[b] = 0.4 · 0.9 = 0.36).
   */
  private static float[] trap(int[] prefix) {
    if (prefix.length == 1) return probs(A, 0.6, B, 0.4);
    if (prefix[1] == A) return probs(A, 0.3, B, 0.3, EOT, 0.4);
    return prefix.length == 2 ? probs(EOT, 0.9, A, 0.1) : probs(EOT, 1.0);
  }

  private static TokenSearch search(TokenSearch.NextLogits next, int maxLength) {
    return new TokenSearch(next, SOT, EOT, maxLength);
  }

  private static TokenSearch.NextLogits perRow(java.util.function.BiFunction<int[], Integer, float[]> f) {
    return (prefixes, images) -> {
      float[][] out = new float[prefixes.length][];
      for (int r = 0; r < out.length; r++) out[r] = f.apply(prefixes[r], images[r]);
      return out;
    };
  }

  @Test
  void nBestListsTheBeamsFinishedCaptionsBestFirst() {
    TokenSearch s = search(perRow((p, i) -> trap(p)), 6);
    List<TokenSearch.Done> two = s.nBest(1, new Decoding.Beam(2, 0)).get(0);
    assertEquals(2, two.size());
    assertArrayEquals(new int[] {B}, two.get(0).content());          // P = 0.36
    assertArrayEquals(new int[] {A}, two.get(1).content());          // P = 0.24
    assertEquals(Math.log(0.36), two.get(0).score(), 1e-6);
    assertEquals(Math.log(0.24), two.get(1).score(), 1e-6);
    assertThrows(IllegalArgumentException.class, () -> s.run(1, new Decoding.Rerank(2, 0)), "re-ranking needs the model");
  }

  @Test
  void beamSearchFindsTheMoreProbableCaptionGreedyMisses() {
    TokenSearch s = search(perRow((p, i) -> trap(p)), 6);
    assertArrayEquals(new int[] {A}, s.run(1, Decoding.greedy()).get(0));
    assertArrayEquals(new int[] {B}, s.run(1, new Decoding.Beam(2, 0)).get(0));
    assertArrayEquals(new int[] {A}, s.run(1, new Decoding.Beam(1, 0)).get(0), "a width-1 beam is greedy");
  }

  /** Deterministic pseudo-random distributions: a function of (image, prefix) only. */
  private static float[] noisy(int[] prefix, int image) {
    SplittableRandom r = new SplittableRandom(31L * Arrays.hashCode(prefix) + image);
    float[] l = new float[VOCAB];
    for (int v = 0; v < VOCAB; v++) l[v] = (float) (2 * r.nextGaussian());
    return l;
  }

  private static double logProb(float[] logits, int token) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) max = Math.max(max, l);
    double sum = 0;
    for (float l : logits) sum += Math.exp(l - max);
    return logits[token] - max - Math.log(sum);
  }

  /** The best normalised score by enumerating every sequence of at most maxLength tokens (start included). */
  private static int[] exhaustive(int image, int maxLength, double alpha) {
    List<int[]> best = new ArrayList<>();
    double[] bestScore = {Double.NEGATIVE_INFINITY};
    enumerate(new int[] {SOT}, 0, image, maxLength, alpha, best, bestScore);
    return best.get(0);
  }

  private static void enumerate(int[] prefix, double logp, int image, int maxLength, double alpha, List<int[]> best, double[] bestScore) {
    float[] logits = noisy(prefix, image);
    for (int v = 0; v < VOCAB; v++) {
      double lp = logp + logProb(logits, v);
      int[] next = Arrays.copyOf(prefix, prefix.length + 1);
      next[prefix.length] = v;
      if (v == EOT || next.length == maxLength) {
        int generated = next.length - 1;   // the end token counts; a cut sequence counts its content
        double score = lp / Math.pow(generated, alpha);
        if (score > bestScore[0]) {
          bestScore[0] = score;
          best.clear();
          best.add(Arrays.copyOfRange(next, 1, v == EOT ? next.length - 1 : next.length));
        }
      } else {
        enumerate(next, lp, image, maxLength, alpha, best, bestScore);
      }
    }
  }

  @Test
  void aBeamWiderThanTheSearchSpaceIsExhaustiveSearch() {
    TokenSearch s = search(perRow(TokenSearchTest::noisy), 5);
    for (double alpha : new double[] {0, 0.7, 1}) {
      List<int[]> got = s.run(6, new Decoding.Beam(5 * 5 * 5 * 5, alpha));
      for (int image = 0; image < 6; image++) {
        assertArrayEquals(exhaustive(image, 5, alpha), got.get(image), "image " + image + ", length penalty " + alpha);
      }
    }
  }

  @Test
  void aWidthOneBeamWithoutLengthPenaltyIsGreedy() {
    TokenSearch s = search(perRow(TokenSearchTest::noisy), 6);
    List<int[]> greedy = s.run(20, Decoding.greedy());
    List<int[]> width1 = s.run(20, new Decoding.Beam(1, 0));
    for (int i = 0; i < 20; i++) assertArrayEquals(greedy.get(i), width1.get(i), "image " + i);
  }

  @Test
  void greedyStopsAtTheEndTokenOrTheMaximumLength() {
    TokenSearch endsAtOnce = search(perRow((p, i) -> probs(EOT, 0.9, A, 0.1)), 8);
    assertEquals(0, endsAtOnce.run(1, Decoding.greedy()).get(0).length);
    TokenSearch never = search(perRow((p, i) -> probs(A, 0.9, EOT, 0.1)), 8);
    assertArrayEquals(new int[] {A, A, A, A, A, A, A}, never.run(1, Decoding.greedy()).get(0), "7 tokens after the start");
    assertEquals(7, never.run(1, new Decoding.Beam(3, 1.0)).get(0).length);
  }

  @Test
  void samplingIsReproduciblePerImageAndTopKOneIsGreedy() {
    TokenSearch s = search(perRow(TokenSearchTest::noisy), 8);
    Decoding.Sample sample = new Decoding.Sample(0, 1.0, 1.0, 42);
    List<int[]> three = s.run(3, sample);
    List<int[]> five = s.run(5, sample);
    for (int i = 0; i < 3; i++) assertArrayEquals(three.get(i), five.get(i), "image " + i + " depends on the batch");
    List<int[]> otherSeed = s.run(5, new Decoding.Sample(0, 1.0, 1.0, 43));
    boolean differs = false;
    for (int i = 0; i < 5; i++) differs |= !Arrays.equals(five.get(i), otherSeed.get(i));
    assertTrue(differs, "another seed should draw other captions");
    List<int[]> greedy = s.run(5, Decoding.greedy());
    List<int[]> topOne = s.run(5, new Decoding.Sample(1, 1.0, 1.0, 7));
    List<int[]> tinyNucleus = s.run(5, new Decoding.Sample(0, 1e-6, 1.0, 7));
    for (int i = 0; i < 5; i++) {
      assertArrayEquals(greedy.get(i), topOne.get(i));
      assertArrayEquals(greedy.get(i), tinyNucleus.get(i));
    }
  }

  @Test
  void topKAndTopPKeepTheRightTokensWithRenormalisedOdds() {
    float[] logits = probs(0, 0.5, A, 0.3, B, 0.2);   // tokens 3, 4 ≈ 0
    SplittableRandom rng = new SplittableRandom(1);
    int n = 40_000;
    // top-k 2 keeps {0, A} with odds 0.5 : 0.3 = 0.625 : 0.375; nucleus 0.6 needs both too (0.5 < 0.6 ≤ 0.5 + 0.3)
    for (Decoding.Sample s : List.of(new Decoding.Sample(2, 1.0, 1.0, 0), new Decoding.Sample(0, 0.6, 1.0, 0))) {
      int[] counts = new int[VOCAB];
      for (int i = 0; i < n; i++) counts[TokenSearch.draw(logits, s, rng)]++;
      assertEquals(0, counts[B] + counts[EOT] + counts[SOT], s + " drew a filtered token");
      assertEquals(0.625, counts[0] / (double) n, 0.01, s.toString());
    }
    // nucleus 0.5 is reached by the first token alone
    for (int i = 0; i < 100; i++) assertEquals(0, TokenSearch.draw(logits, new Decoding.Sample(0, 0.5, 1.0, 0), rng));
    // a high temperature flattens the odds: token B becomes far more frequent than its 0.2
    int bCount = 0;
    for (int i = 0; i < n; i++) if (TokenSearch.draw(logits, new Decoding.Sample(3, 1.0, 100.0, 0), rng) == B) bCount++;
    assertNotEquals(0.2, bCount / (double) n, 0.1);
  }

  @Test
  void badSettingsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new Decoding.Beam(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new Decoding.Sample(-1, 1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Decoding.Sample(0, 0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new Decoding.Sample(0, 1, 0, 0));
  }
}
