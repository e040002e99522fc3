package dev.vlt.train;

import dev.vlt.tensor.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Which parameters get weight decay: open_clip_train's rule, applied by name and rank. */
public final class ParamGroups {
  private ParamGroups() {}

  /**
   * No decay for gains, biases, norms, embeddings' 1-D tokens and the temperature: rank &lt; 2, or a name containing
   * "bn", "ln", "bias" or "logit_scale". Everything else (weights, positional and token embeddings, projections) decays.
   */
  public static boolean decays(String name, Parameter p) {
    boolean exclude = p.shape().dimension() < 2 || name.contains("bn") || name.contains("ln") || name.contains("bias")
        || name.contains("logit_scale");
    return !exclude;
  }

  /**
   * name → learning-rate multiplier for the trainable parameters a prefix of {@code multipliers} matches (the longest
   * prefix wins); the rest train at the base rate and are left out. A prefix that matches no trainable parameter is an
   * error, so a misspelt module name does not silently train everything at 1×.
   */
  public static Map<String, Double> lrScale(Map<String, Parameter> params, Map<String, Double> multipliers) {
    Map<String, Double> out = new LinkedHashMap<>();
    java.util.Set<String> used = new java.util.HashSet<>();
    params.forEach((n, p) -> {
      if (p.isFrozen()) return;
      String best = null;
      for (String prefix : multipliers.keySet()) {
        if (n.startsWith(prefix) && (best == null || prefix.length() > best.length())) best = prefix;
      }
      if (best != null) {
        used.add(best);
        out.put(n, multipliers.get(best));
      }
    });
    for (String prefix : multipliers.keySet()) {
      if (!used.contains(prefix)) {
        throw new IllegalArgumentException("--lr-mult " + prefix + " matches no trainable parameter of the model");
      }
    }
    return out;
  }

  /** name → weight decay, for every trainable parameter. */
  public static Map<String, Double> weightDecay(Map<String, Parameter> params, double wd) {
    Map<String, Double> out = new LinkedHashMap<>();
    params.forEach((n, p) -> {
      if (!p.isFrozen()) out.put(n, decays(n, p) ? wd : 0.0);
    });
    return out;
  }
}
