package dev.vlt.eval.caption;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus-level BLEU (Papineni et al. 2002), as coco-caption computes it. For each order n, the clipped n-gram precision
 * pₙ = Σ over captions of Σ_g min(count_cand(g), max_ref count_ref(g)) / Σ over captions of the candidate's n-gram count;
 * BLEU-N = BP · exp(Σ_{n≤N} log pₙ / N), with brevity penalty BP = exp(1 − r/c) when c &lt; r (else 1), where c is the total
 * candidate length and r the total of, per caption, the reference length closest to the candidate's (ties: the shorter).
 * A precision of 0, or an order with no candidate n-grams at all, makes that BLEU-N 0 (coco-caption instead adds 1e-15
 * and 1e-9 to the counts, which gives a value below 1e-5 there).
 */
public final class Bleu {
  public static final int MAX_ORDER = 4;

  private Bleu() {}

  /** BLEU-1..4 of the candidates against their references (one list of references per image). */
  public static double[] compute(List<String> candidates, List<List<String>> references) {
    return compute(Tokenized.of(candidates, references));
  }

  public static double[] compute(Tokenized corpus) {
    long[] matched = new long[MAX_ORDER];
    long[] total = new long[MAX_ORDER];
    long candidateLength = 0;
    long referenceLength = 0;
    for (int i = 0; i < corpus.size(); i++) {
      List<String> cand = corpus.candidates().get(i);
      List<List<String>> refs = corpus.references().get(i);
      candidateLength += cand.size();
      referenceLength += closestLength(cand.size(), refs);
      for (int n = 1; n <= MAX_ORDER; n++) {
        Map<List<String>, Integer> maxRef = new HashMap<>();
        for (List<String> ref : refs) NGrams.counts(ref, n).forEach((g, c) -> maxRef.merge(g, c, Math::max));
        for (Map.Entry<List<String>, Integer> e : NGrams.counts(cand, n).entrySet()) {
          matched[n - 1] += Math.min(e.getValue(), maxRef.getOrDefault(e.getKey(), 0));
          total[n - 1] += e.getValue();
        }
      }
    }
    double bp = candidateLength >= referenceLength ? 1 : candidateLength == 0 ? 0 : Math.exp(1 - referenceLength / (double) candidateLength);
    double[] bleu = new double[MAX_ORDER];
    double logSum = 0;
    for (int n = 1; n <= MAX_ORDER; n++) {
      logSum += matched[n - 1] == 0 ? Double.NEGATIVE_INFINITY : Math.log(matched[n - 1] / (double) total[n - 1]);
      bleu[n - 1] = bp * Math.exp(logSum / n);
    }
    return bleu;
  }

  /** The reference length nearest the candidate's; of two equally near, the shorter (coco-caption's "closest"). */
  static int closestLength(int candidate, List<List<String>> refs) {
    int best = -1;
    for (List<String> ref : refs) {
      int l = ref.size();
      int d = Math.abs(l - candidate);
      if (best < 0 || d < Math.abs(best - candidate) || d == Math.abs(best - candidate) && l < best) best = l;
    }
    return best;
  }
}
