package dev.vlt.eval;

import java.util.ArrayList;
import java.util.List;

/** Confusion matrices and per-class accuracy from predicted labels, shared by zero-shot, linear probe and kNN. */
public final class Confusion {
  private Confusion() {}

  /** Counts [C, C]: row = true label, column = predicted label; the entries sum to N. */
  public static int[][] matrix(int[] labels, int[] predictions, int classes) {
    Checks.check(labels.length == predictions.length, "%s labels but %s predictions", labels.length, predictions.length);
    int[][] m = new int[classes][classes];
    for (int i = 0; i < labels.length; i++) m[labels[i]][predictions[i]]++;
    return m;
  }

  /** Fraction of the N counted examples on the diagonal of {@code m} [C, C]. */
  public static double accuracy(int[][] m) {
    long total = 0, correct = 0;
    for (int r = 0; r < m.length; r++) {
      for (int c = 0; c < m.length; c++) total += m[r][c];
      correct += m[r][r];
    }
    return total == 0 ? 0 : (double) correct / total;
  }

  /** One entry per class, in class order, from the rows of {@code m} [C, C]. */
  public static List<ClassAccuracy> perClass(int[][] m, List<String> names) {
    Checks.check(names.size() == m.length, "%s class names for %s classes", names.size(), m.length);
    List<ClassAccuracy> out = new ArrayList<>(m.length);
    for (int r = 0; r < m.length; r++) {
      int count = 0;
      for (int c = 0; c < m.length; c++) count += m[r][c];
      out.add(new ClassAccuracy(names.get(r), count, m[r][r], count == 0 ? null : (double) m[r][r] / count));
    }
    return out;
  }

  /** Names "0", "1", … for classifiers that only know label indices. */
  public static List<String> indexNames(int classes) {
    List<String> names = new ArrayList<>(classes);
    for (int c = 0; c < classes; c++) names.add(Integer.toString(c));
    return names;
  }
}
