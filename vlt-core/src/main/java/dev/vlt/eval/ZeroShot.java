package dev.vlt.eval;

import java.util.List;

/**
 * Zero-shot classification as in CLIP: each class is the renormalised mean of its normalised prompt-template text
 * embeddings, an image's logits are {@code logitScale · cos(image, class)}, and probabilities are their softmax.
 */
public final class ZeroShot {
  /** CLIP's trained temperature saturates at 100; the usual scale for reporting zero-shot probabilities. */
  public static final double CLIP_LOGIT_SCALE = 100;

  private ZeroShot() {}

  /**
   * Class weights [C, D] from template embeddings: entry c of {@code classTemplates} is class c's [T_c, D] embeddings
   * (one row per filled template). Each row is normalised before averaging so that no template dominates by norm, and the
   * mean is renormalised, exactly as CLIP's prompt ensembling does.
   */
  public static float[][] classifier(List<float[][]> classTemplates) {
    Checks.check(classTemplates != null && !classTemplates.isEmpty(), "no classes: classTemplates is empty");
    int d = -1;
    float[][] weights = new float[classTemplates.size()][];
    for (int c = 0; c < weights.length; c++) {
      float[][] t = classTemplates.get(c);
      int dc = Checks.matrix("template embeddings of class " + c, t);
      Checks.check(d < 0 || dc == d, "template embeddings of class %s have dimension %s, class 0 has %s", c, dc, d);
      d = dc;
      double[] mean = new double[d];
      for (float[] row : Vectors.normalize(t)) for (int j = 0; j < d; j++) mean[j] += row[j];
      float[] w = new float[d];
      for (int j = 0; j < d; j++) w[j] = (float) (mean[j] / t.length);
      weights[c] = Vectors.normalize(w);
    }
    return weights;
  }

  /** Logits [N, C] = {@code logitScale} · cosine similarity of {@code images} [N, D] to {@code classifier} [C, D]. */
  public static double[][] logits(float[][] images, float[][] classifier, double logitScale) {
    int d = Checks.matrix("image embeddings", images);
    int dc = Checks.matrix("class embeddings", classifier);
    Checks.check(d == dc, "image embeddings have dimension %s but class embeddings have %s", d, dc);
    Checks.check(logitScale > 0 && Double.isFinite(logitScale), "logit scale must be positive, got %s", logitScale);
    double[][] s = Vectors.cosine(images, classifier);
    for (double[] row : s) for (int c = 0; c < row.length; c++) row[c] *= logitScale;
    return s;
  }

  /**
   * Scores {@code images} [N, D] against {@code classifier} [C, D] (see {@link #classifier}) given true {@code labels} [N];
   * {@code classNames} has C entries.
   */
  public static ZeroShotResult evaluate(float[][] images, float[][] classifier, int[] labels, List<String> classNames,
      double logitScale) {
    double[][] logits = logits(images, classifier, logitScale);
    int classes = classifier.length;
    Checks.check(classNames.size() == classes, "%s class names for %s class embeddings", classNames.size(), classes);
    Checks.labels("labels", labels, images.length, classes);
    int[] predictions = new int[images.length];
    for (int i = 0; i < predictions.length; i++) predictions[i] = Ranking.argMax(logits[i]);
    int[][] confusion = Confusion.matrix(labels, predictions, classes);
    int k5 = Math.min(5, classes);
    ZeroShotMetrics metrics = new ZeroShotMetrics(images.length, classes, Confusion.accuracy(confusion),
        topKAccuracy(logits, labels, k5), k5, Confusion.perClass(confusion, classNames), confusion);
    return new ZeroShotResult(metrics, logits, Vectors.softmax(logits), predictions);
  }

  /**
   * Fraction of rows of {@code scores} [N, C] whose true label is among the first {@code min(k, C)} classes in
   * {@link Ranking} order; with k ≥ C every row counts.
   */
  public static double topKAccuracy(double[][] scores, int[] labels, int k) {
    Checks.check(k > 0, "k must be positive, got %s", k);
    Checks.check(labels.length == scores.length, "%s labels for %s score rows", labels.length, scores.length);
    int hits = 0;
    for (int i = 0; i < scores.length; i++) if (Ranking.rank(scores[i], labels[i]) <= k) hits++;
    return scores.length == 0 ? 0 : (double) hits / scores.length;
  }
}
