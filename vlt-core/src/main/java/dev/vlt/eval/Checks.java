package dev.vlt.eval;

/** Argument checks whose failure message names the field and what was wrong (one line, no stack-trace reading needed). */
final class Checks {
  private Checks() {}

  static void check(boolean ok, String format, Object... args) {
    if (!ok) throw new IllegalArgumentException(String.format(format, args));
  }

  /** Checks {@code x} is a non-empty rectangular matrix of finite values and returns its column count. */
  static int matrix(String name, float[][] x) {
    check(x != null && x.length > 0, "%s is empty", name);
    int d = x[0] == null ? 0 : x[0].length;
    check(d > 0, "%s row 0 is empty", name);
    for (int i = 0; i < x.length; i++) {
      check(x[i] != null && x[i].length == d, "%s row %s has %s values, row 0 has %s",
          name, i, x[i] == null ? 0 : x[i].length, d);
      for (int j = 0; j < d; j++) {
        check(Float.isFinite(x[i][j]), "%s[%s][%s] is %s (embeddings must be finite)", name, i, j, x[i][j]);
      }
    }
    return d;
  }

  /** Checks {@code labels} has one entry per row and every entry lies in [0, classes). */
  static void labels(String name, int[] labels, int rows, int classes) {
    check(labels != null && labels.length == rows, "%s has %s entries for %s rows",
        name, labels == null ? 0 : labels.length, rows);
    for (int i = 0; i < labels.length; i++) {
      check(labels[i] >= 0 && labels[i] < classes, "%s[%s] = %s is outside [0, %s)", name, i, labels[i], classes);
    }
  }
}
