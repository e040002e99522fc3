package dev.vlt.eval.caption;

import java.util.List;

/**
 * ROUGE-L (Lin 2004) as coco-caption scores it: per caption, with LCS the longest common subsequence of words,
 * P = max over references of LCS/|candidate| and R = max over references of LCS/|reference| (each maximised on its own, so
 * they may come from different references), F = (1 + β²)·P·R / (R + β²·P) with β = 1.2 (0 when P or R is 0); the corpus
 * score is the mean F.
 */
public final class RougeL {
  public static final double BETA = 1.2;

  private RougeL() {}

  public static double compute(List<String> candidates, List<List<String>> references) {
    return compute(Tokenized.of(candidates, references));
  }

  public static double compute(Tokenized corpus) {
    double sum = 0;
    for (int i = 0; i < corpus.size(); i++) sum += score(corpus.candidates().get(i), corpus.references().get(i));
    return sum / corpus.size();
  }

  /** One caption's F against its references. */
  static double score(List<String> cand, List<List<String>> refs) {
    double p = 0;
    double r = 0;
    for (List<String> ref : refs) {
      int lcs = lcs(cand, ref);
      if (!cand.isEmpty()) p = Math.max(p, lcs / (double) cand.size());
      if (!ref.isEmpty()) r = Math.max(r, lcs / (double) ref.size());
    }
    if (p == 0 || r == 0) return 0;
    double b2 = BETA * BETA;
    return (1 + b2) * p * r / (r + b2 * p);
  }

  /** Length of the longest common subsequence, by the textbook dynamic programme in one row. */
  static int lcs(List<String> a, List<String> b) {
    int[] row = new int[b.size() + 1];
    for (String x : a) {
      int diagonal = 0;
      for (int j = 1; j <= b.size(); j++) {
        int up = row[j];
        row[j] = x.equals(b.get(j - 1)) ? diagonal + 1 : Math.max(row[j], row[j - 1]);
        diagonal = up;
      }
    }
    return row[b.size()];
  }
}
