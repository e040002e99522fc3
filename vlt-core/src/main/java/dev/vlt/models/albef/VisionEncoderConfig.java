package dev.vlt.models.albef;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;

/**
 * ALBEF's image tower in torchmultimodal's {@code vision_encoder_args} schema: torchvision's VisionTransformer with image
 * size, patch size, layers, heads, hidden size, MLP size and LayerNorm eps. Dropout is not implemented: dropout and
 * attention_dropout must be 0 (their default there).
 */
public record VisionEncoderConfig(
    int imageSize, int patchSize, int layers, int heads, int hiddenSize, int mlpDim, double layerNormEps) {
  public VisionEncoderConfig {
    if (patchSize <= 0 || imageSize <= 0 || imageSize % patchSize != 0) {
      throw error("image_size", imageSize + " is not a positive multiple of patch_size " + patchSize);
    }
    if (layers <= 0) throw error("num_hidden_layers", "must be positive, got " + layers);
    if (hiddenSize <= 0 || heads <= 0 || hiddenSize % heads != 0) {
      throw error("num_attention_heads", heads + " does not divide hidden_size " + hiddenSize);
    }
    if (mlpDim <= 0) throw error("mlp_dim", "must be positive, got " + mlpDim);
    if (!(layerNormEps > 0)) throw error("layer_norm_eps", "must be positive, got " + layerNormEps);
  }

  /** Patches per side. */
  public int grid() {
    return imageSize / patchSize;
  }

  public static VisionEncoderConfig read(ConfigReader r) {
    VisionEncoderConfig c = new VisionEncoderConfig(r.getInt("image_size", 256), r.getInt("patch_size", 16),
        r.getInt("num_hidden_layers", 12), r.getInt("num_attention_heads", 12), r.getInt("hidden_size", 768),
        r.getInt("mlp_dim", 3072), r.getDouble("layer_norm_eps", 1e-6));
    r.unsupported("dropout", 0.0);
    r.unsupported("attention_dropout", 0.0);
    r.finish();
    return c;
  }

  public void write(ObjectNode o) {
    o.put("hidden_size", hiddenSize).put("image_size", imageSize).put("patch_size", patchSize)
        .put("num_hidden_layers", layers).put("num_attention_heads", heads).put("mlp_dim", mlpDim)
        .put("dropout", 0.0).put("attention_dropout", 0.0).put("layer_norm_eps", layerNormEps);
  }
}
