package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A loss as named, already weighted terms; {@link #total()} is their sum, the value to differentiate. */
public record LossTerms(Map<String, NDArray> terms) {
  public LossTerms {
    if (terms.isEmpty()) throw new IllegalArgumentException("a loss needs at least one term");
    terms = Collections.unmodifiableMap(new LinkedHashMap<>(terms));
  }

  public static LossTerms of(String name, NDArray value) {
    return new LossTerms(Map.of(name, value));
  }

  public NDArray total() {
    NDArray sum = null;
    for (NDArray t : terms.values()) sum = sum == null ? t : sum.add(t);
    return sum;
  }

  /** Host values of every term, for logging. */
  public Map<String, Double> values() {
    Map<String, Double> out = new LinkedHashMap<>();
    terms.forEach((k, v) -> out.put(k, (double) v.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble()));
    return out;
  }
}
