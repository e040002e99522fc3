package dev.vlt.models.bert;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;

/**
 * BERT's token prediction head in torchmultimodal's {@code prediction_head_args} schema (hidden_size, vocab_size,
 * layer_norm_eps).
 */
public record PredictionHeadConfig(int hiddenSize, int vocabSize, double layerNormEps) {
  public PredictionHeadConfig {
    if (hiddenSize <= 0) throw error("hidden_size", "must be positive, got " + hiddenSize);
    if (vocabSize <= 0) throw error("vocab_size", "must be positive, got " + vocabSize);
    if (!(layerNormEps > 0)) throw error("layer_norm_eps", "must be positive, got " + layerNormEps);
  }

  public static PredictionHeadConfig read(ConfigReader r) {
    PredictionHeadConfig c = new PredictionHeadConfig(r.getInt("hidden_size", 768), r.getInt("vocab_size", 30522),
        r.getDouble("layer_norm_eps", 1e-12));
    r.finish();
    return c;
  }

  public void write(ObjectNode o) {
    o.put("hidden_size", hiddenSize).put("vocab_size", vocabSize).put("layer_norm_eps", layerNormEps);
  }
}
