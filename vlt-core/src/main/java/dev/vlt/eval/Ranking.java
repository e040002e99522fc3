package dev.vlt.eval;

/**
 * The one ordering every metric here uses: higher score first, and among equal scores the lower index first.
 *
 * <p>Tie rule (by stable index): an exact tie is broken in favour of the item with the smaller index, so a result is a pure
 * function of the scores and never of sort internals. The consequence, chosen on purpose: a model whose embeddings have
 * collapsed to one point ranks everything tied and scores at chance (the first k indices "win"), neither 0 nor 1. Argmax,
 * top-k, confusion matrices, retrieval recall and kNN neighbours all follow this rule, so top-1 accuracy always equals the
 * trace of the confusion matrix.
 */
public final class Ranking {
  private Ranking() {}

  /** True when item {@code a} comes before item {@code b} in the ordering. */
  static boolean before(double[] scores, int a, int b) {
    return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
  }

  /** 1-based position of {@code target} among all of {@code scores} [M]. */
  public static int rank(double[] scores, int target) {
    int ahead = 0;
    for (int i = 0; i < scores.length; i++) if (i != target && before(scores, i, target)) ahead++;
    return ahead + 1;
  }

  /** Index of the first item in the ordering (the highest score, lowest index among ties). */
  public static int argMax(double[] scores) {
    int best = 0;
    for (int i = 1; i < scores.length; i++) if (before(scores, i, best)) best = i;
    return best;
  }

  /** The first {@code min(k, M)} indices of the ordering of {@code scores} [M], best first. O(M·k), meant for small k. */
  public static int[] topK(double[] scores, int k) {
    Checks.check(k > 0, "k must be positive, got %s", k);
    int n = Math.min(k, scores.length);
    int[] top = new int[n];
    int filled = 0;
    for (int i = 0; i < scores.length; i++) {
      if (filled == n && !before(scores, i, top[n - 1])) continue;
      int pos = Math.min(filled, n - 1);
      while (pos > 0 && before(scores, i, top[pos - 1])) {
        top[pos] = top[pos - 1];
        pos--;
      }
      top[pos] = i;
      if (filled < n) filled++;
    }
    return top;
  }
}
