package dev.vlt.models.flava;

import static dev.vlt.models.ConfigReader.error;

/** The sizes of one FLAVA encoder: width, heads, layers, MLP width and LayerNorm eps. */
public record EncoderConfig(String prefix, int hidden, int heads, int layers, int intermediate, double layerNormEps) {
  public EncoderConfig {
    if (hidden <= 0 || layers <= 0 || intermediate <= 0) {
      throw error(prefix + "_hidden_size", "and the layer count and intermediate size must be positive");
    }
    if (heads <= 0 || hidden % heads != 0) throw error(prefix + "_num_attention_heads", heads + " does not divide " + hidden);
    if (!(layerNormEps > 0)) throw error(prefix + "_layer_norm_eps", "must be positive, got " + layerNormEps);
  }
}
