package dev.vlt.experiment;

import dev.vlt.analysis.ModalityAnalysis;
import dev.vlt.models.msclip.ParameterSplit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One trained model of an experiment: a run (model config) at one seed.
 *
 * @param metrics the evaluation's headline numbers ({@link RunEvaluation}) and the modality figures, by column name
 * @param loss training loss after every step
 */
public record RunResult(String run, long seed, ParameterSplit parameters, double samplesPerSecond, double[] loss,
    Map<String, Double> metrics, ModalityAnalysis analysis) {
  static final String GAP = "modality gap";
  static final String MATCHED = "matched cos";
  static final String CKA = "head CKA";
  static final String ENTROPY_GAP = "entropy gap";
  static final String POOL_P = "pool p";
  static final String POOL_P_SPREAD = "pool p spread";

  /** The evaluation numbers followed by the modality figures of {@code analysis}. */
  static Map<String, Double> withAnalysis(Map<String, Double> eval, ModalityAnalysis a) {
    Map<String, Double> m = new LinkedHashMap<>(eval);
    m.put(GAP, a.gap().centroidDistance());
    m.put(MATCHED, a.gap().matchedCosine());
    m.put(CKA, a.meanCka());
    m.put(ENTROPY_GAP, a.meanEntropyGap());
    return m;
  }

  /**
   * The learned GeM/GGeM exponents (checkpoint key {@code visual.pool.p}) as their mean and their max − min over groups;
   * absent for poolings without one. GGeM only differs from GeM once its groups' exponents move apart.
   */
  static void addPoolExponents(Map<String, Double> metrics, dev.vlt.tensor.Module model) {
    dev.vlt.tensor.Parameter p = model.namedParameters().get("visual.pool.p");
    if (p == null) return;
    float[] v = p.value().toFloatArray();
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    double sum = 0;
    for (float x : v) {
      min = Math.min(min, x);
      max = Math.max(max, x);
      sum += x;
    }
    metrics.put(POOL_P, sum / v.length);
    metrics.put(POOL_P_SPREAD, max - min);
  }
}
