package dev.vlt.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * kNN figures: test accuracy with {@code k} neighbours from {@code trainExamples} examples, per-class accuracy and the
 * {@code confusion} [C, C] (rows = true class).
 */
public record KnnMetrics(int trainExamples, int testExamples, int classes, int k, double temperature, double accuracy,
    List<ClassAccuracy> perClass, int[][] confusion) implements Result {

  @Override
  public Map<String, Double> headline() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("top1", accuracy);
    m.put("k", (double) k);
    m.put("chance", 1.0 / classes);
    return m;
  }
}
