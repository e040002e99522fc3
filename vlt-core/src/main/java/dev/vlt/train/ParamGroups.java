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

  /** name → weight decay, for every trainable parameter. */
  public static Map<String, Double> weightDecay(Map<String, Parameter> params, double wd) {
    Map<String, Double> out = new LinkedHashMap<>();
    params.forEach((n, p) -> {
      if (!p.isFrozen()) out.put(n, decays(n, p) ? wd : 0.0);
    });
    return out;
  }
}
