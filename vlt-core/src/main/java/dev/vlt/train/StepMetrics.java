package dev.vlt.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one optimizer step reports: one line of {@code metrics.jsonl}.
 *
 * @param step optimizer steps completed (1 after the first)
 * @param epoch the epoch the step's data came from
 * @param losses each loss term by name, then "loss", their sum
 * @param scalars the model's batch-independent outputs (logit_scale as exp(t), logit_bias)
 */
public record StepMetrics(long step, int epoch, Map<String, Double> losses, double lr, double gradNorm,
    Map<String, Double> scalars, double samplesPerSecond, double memoryMb) {

  public double loss() {
    return losses.get("loss");
  }

  /** The flat JSON object of metrics.jsonl, keys in a stable order. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", step);
    m.put("epoch", epoch);
    m.putAll(losses);
    m.put("lr", lr);
    m.put("grad_norm", gradNorm);
    m.putAll(scalars);
    m.put("samples_per_s", samplesPerSecond);
    m.put("memory_mb", memoryMb);
    return m;
  }
}
