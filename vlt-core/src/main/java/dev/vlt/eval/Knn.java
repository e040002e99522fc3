package dev.vlt.eval;

import java.util.Arrays;
import java.util.List;

/**
 * k-nearest-neighbour classification by cosine similarity. Each of the k nearest training examples votes for its class
 * with weight {@code exp(sim / temperature)} (as in DINO's kNN evaluation), so nearer neighbours count more and every
 * weight is positive. Neighbours are ordered by {@link Ranking} (ties to the lower training index); equal vote totals go
 * to the class whose first vote came earliest, i.e. the class of the nearest neighbour among the tied classes.
 */
public final class Knn {
  /** DINO's kNN temperature. */
  public static final double DEFAULT_TEMPERATURE = 0.07;

  private final float[][] train;
  private final int[] labels;
  private final int classes;
  private final int k;
  private final double temperature;

  /** A classifier over {@code train} (features [N, D], normalised here) with {@code classes} classes. */
  public Knn(Labeled train, int classes, int k, double temperature) {
    Checks.check(k > 0, "k must be positive, got %s", k);
    Checks.check(temperature > 0, "temperature must be positive, got %s", temperature);
    Checks.check(train.classes() <= classes, "a label %s is outside the %s classes", train.classes() - 1, classes);
    this.train = Vectors.normalize(train.features());
    this.labels = train.labels();
    this.classes = classes;
    this.k = k;
    this.temperature = temperature;
  }

  /** Predicted class [Q] for each of {@code queries} [Q, D]. */
  public int[] predict(float[][] queries) {
    int d = Checks.matrix("queries", queries);
    Checks.check(d == train[0].length, "queries have dimension %s but the training features have %s", d, train[0].length);
    int[] out = new int[queries.length];
    double[] sims = new double[train.length];
    double[] votes = new double[classes];
    int[] firstVote = new int[classes];
    for (int q = 0; q < queries.length; q++) {
      float[] query = Vectors.normalize(queries[q]);
      for (int i = 0; i < train.length; i++) sims[i] = Vectors.dot(query, train[i]);
      Arrays.fill(votes, 0);
      Arrays.fill(firstVote, Integer.MAX_VALUE);
      int[] nearest = Ranking.topK(sims, k);
      for (int r = 0; r < nearest.length; r++) {
        int c = labels[nearest[r]];
        votes[c] += Math.exp(sims[nearest[r]] / temperature);
        firstVote[c] = Math.min(firstVote[c], r);
      }
      int best = labels[nearest[0]];
      for (int c = 0; c < classes; c++) {
        if (votes[c] > votes[best] || (votes[c] == votes[best] && firstVote[c] < firstVote[best])) best = c;
      }
      out[q] = best;
    }
    return out;
  }

  /** Classifies {@code test} with neighbours from {@code train}; C = classNames.size(). */
  public static KnnMetrics evaluate(Labeled train, Labeled test, List<String> classNames, int k, double temperature) {
    int classes = classNames.size();
    Checks.check(test.classes() <= classes, "a test label %s is outside the %s class names", test.classes() - 1, classes);
    int[][] confusion = Confusion.matrix(test.labels(), new Knn(train, classes, k, temperature).predict(test.features()),
        classes);
    return new KnnMetrics(train.size(), test.size(), classes, k, temperature, Confusion.accuracy(confusion),
        Confusion.perClass(confusion, classNames), confusion);
  }
}
