package dev.vlt.eval;

import dev.vlt.tensor.Boxes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Grounding accuracy: Acc@0.5 (the fraction of expressions whose predicted box has IoU ≥ 0.5 with the referred box, the
 * standard RefCOCO criterion) and the mean IoU, over {@code count} expressions.
 */
public record GroundingMetrics(int count, double accAt50, double meanIou) implements Result {
  /** predicted and target corner boxes (x0, y0, x1, y1), pairwise, in the same frame. */
  public static GroundingMetrics of(List<float[]> predicted, List<float[]> targets) {
    if (predicted.size() != targets.size()) throw new IllegalArgumentException(predicted.size() + " predictions for " + targets.size() + " targets");
    if (predicted.isEmpty()) throw new IllegalArgumentException("no expressions to score");
    int hits = 0;
    double sum = 0;
    for (int i = 0; i < predicted.size(); i++) {
      double iou = Boxes.iou(predicted.get(i), targets.get(i));
      if (iou >= 0.5) hits++;
      sum += iou;
    }
    return new GroundingMetrics(predicted.size(), (double) hits / predicted.size(), sum / predicted.size());
  }

  @Override
  public Map<String, Double> headline() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("acc@0.5", accAt50);
    m.put("mean_iou", meanIou);
    return m;
  }
}
