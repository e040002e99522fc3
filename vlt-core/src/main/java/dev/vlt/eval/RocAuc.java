package dev.vlt.eval;

import java.util.Arrays;
import java.util.Comparator;

/** The area under the ROC curve: the probability that a positive scores above a negative, ties counting half. */
public final class RocAuc {
  private RocAuc() {}

  /** Mann-Whitney over ranks (average ranks for ties); NaN when either class is empty. */
  public static double of(double[] score, boolean[] positive) {
    int n = score.length;
    if (positive.length != n) throw new IllegalArgumentException(n + " scores but " + positive.length + " labels");
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Arrays.sort(order, Comparator.comparingDouble(i -> score[i]));
    double rankSum = 0;
    long pos = 0;
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && score[order[j + 1]] == score[order[i]]) j++;
      double rank = (i + j) / 2.0 + 1;  // 1-based average rank of the tie group
      for (int k = i; k <= j; k++) {
        if (positive[order[k]]) {
          rankSum += rank;
          pos++;
        }
      }
      i = j + 1;
    }
    long neg = n - pos;
    if (pos == 0 || neg == 0) return Double.NaN;
    return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }
}
