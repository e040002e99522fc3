package dev.vlt.models.fusion;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;

/**
 * The size of a fusion encoder, in the schema of torchmultimodal's {@code multimodal_encoder_args} (hidden_size,
 * num_hidden_layers, num_attention_heads, intermediate_size, layer_norm_eps); absent keys take its defaults.
 */
public record FusionConfig(int hiddenSize, int layers, int heads, int intermediateSize, double layerNormEps) {
  public FusionConfig {
    if (hiddenSize <= 0) throw error("hidden_size", "must be positive, got " + hiddenSize);
    if (layers <= 0) throw error("num_hidden_layers", "must be positive, got " + layers);
    if (heads <= 0 || hiddenSize % heads != 0) {
      throw error("num_attention_heads", heads + " does not divide hidden_size " + hiddenSize);
    }
    if (intermediateSize <= 0) throw error("intermediate_size", "must be positive, got " + intermediateSize);
    if (!(layerNormEps > 0)) throw error("layer_norm_eps", "must be positive, got " + layerNormEps);
  }

  public static FusionConfig read(ConfigReader r) {
    FusionConfig c = new FusionConfig(r.getInt("hidden_size", 768), r.getInt("num_hidden_layers", 6),
        r.getInt("num_attention_heads", 12), r.getInt("intermediate_size", 3072), r.getDouble("layer_norm_eps", 1e-12));
    r.finish();
    return c;
  }

  public void write(ObjectNode o) {
    o.put("hidden_size", hiddenSize).put("num_hidden_layers", layers).put("num_attention_heads", heads)
        .put("intermediate_size", intermediateSize).put("layer_norm_eps", layerNormEps);
  }
}
