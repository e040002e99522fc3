package dev.vlt.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Zero-shot classification figures over {@code examples} images and {@code classes} classes. {@code top5} is computed at
 * {@code top5K = min(5, classes)}, so with fewer than five classes it is 1. {@code confusion} [C, C] has rows = true
 * class, columns = predicted class, in the order of {@code perClass}.
 */
public record ZeroShotMetrics(int examples, int classes, double top1, double top5, int top5K,
    List<ClassAccuracy> perClass, int[][] confusion) implements Result {

  @Override
  public Map<String, Double> headline() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("top1", top1);
    m.put("top5", top5);
    m.put("chance", 1.0 / classes);
    return m;
  }
}
