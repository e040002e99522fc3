package dev.vlt.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Linear-probe figures: the chosen {@code c} (scikit-learn convention) and {@code lambda} (= 1/(C·n) of the final fit),
 * accuracy of the final model on its own training data (train + val), the best sweep point's validation accuracy, test
 * accuracy (the headline "top1"), the whole {@code sweep} in ascending C, per-class test accuracy and the test
 * {@code confusion} [C, C] (rows = true class).
 */
public record ProbeMetrics(int trainExamples, int valExamples, int testExamples, int classes, int features, double c,
    double lambda, double trainAccuracy, double valAccuracy, double testAccuracy, List<SweepPoint> sweep,
    List<ClassAccuracy> perClass, int[][] confusion) implements Result {

  @Override
  public Map<String, Double> headline() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("top1", testAccuracy);
    m.put("train", trainAccuracy);
    m.put("val", valAccuracy);
    m.put("C", c);
    m.put("chance", 1.0 / classes);
    return m;
  }
}
