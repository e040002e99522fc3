package dev.vlt.eval;

/** Frozen features [N, D] with their class labels [N] (each ≥ 0): one split for the linear probe or kNN. */
public record Labeled(float[][] features, int[] labels) {
  public Labeled {
    Checks.matrix("features", features);
    Checks.check(labels != null && labels.length == features.length, "labels has %s entries for %s feature rows",
        labels == null ? 0 : labels.length, features.length);
    for (int i = 0; i < labels.length; i++) Checks.check(labels[i] >= 0, "labels[%s] = %s is negative", i, labels[i]);
  }

  public int size() {
    return labels.length;
  }

  public int dimension() {
    return features[0].length;
  }

  /** One more than the largest label. */
  public int classes() {
    int max = 0;
    for (int y : labels) max = Math.max(max, y);
    return max + 1;
  }

  /** The rows of this split at {@code rows}, in that order. */
  public Labeled select(int[] rows) {
    float[][] x = new float[rows.length][];
    int[] y = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      x[i] = features[rows[i]];
      y[i] = labels[rows[i]];
    }
    return new Labeled(x, y);
  }

  /** This split followed by {@code other}. */
  public Labeled concat(Labeled other) {
    float[][] x = new float[size() + other.size()][];
    int[] y = new int[x.length];
    System.arraycopy(features, 0, x, 0, size());
    System.arraycopy(other.features, 0, x, size(), other.size());
    System.arraycopy(labels, 0, y, 0, size());
    System.arraycopy(other.labels, 0, y, size(), other.size());
    return new Labeled(x, y);
  }
}
