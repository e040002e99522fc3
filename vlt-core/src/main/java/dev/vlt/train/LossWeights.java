package dev.vlt.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The weight of every term of a multi-term task: the run's {@code --loss-weight} overrides over the stage's defaults.
 * An unknown term, a negative or NaN weight, or every term at 0 is a user mistake, refused in one line naming the
 * system's terms.
 */
final class LossWeights {
  private LossWeights() {}

  /** {@code terms} in order → weight; {@code system} names the model in messages ("VLC", "BEiT-3", ...). */
  static Map<String, Double> resolve(String system, List<String> terms, Function<String, Double> defaults,
      Map<String, Double> overrides) {
    for (String k : overrides.keySet()) {
      if (!terms.contains(k)) throw new IllegalArgumentException("--loss-weight " + k + ": " + system + "'s terms are " + terms);
    }
    Map<String, Double> weights = new LinkedHashMap<>();
    for (String k : terms) {
      double w = overrides.getOrDefault(k, defaults.apply(k));
      if (!(w >= 0)) throw new IllegalArgumentException("--loss-weight " + k + " must be ≥ 0, got " + w);
      weights.put(k, w);
    }
    if (weights.values().stream().allMatch(w -> w == 0)) {
      throw new IllegalArgumentException("--loss-weight: every " + system + " term is 0");
    }
    return Collections.unmodifiableMap(weights);
  }
}
