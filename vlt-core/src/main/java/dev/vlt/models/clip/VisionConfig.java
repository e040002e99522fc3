package dev.vlt.models.clip;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;

/**
 * The ViT image tower, in open_clip's {@code vision_cfg} schema.
 *
 * @param pool how the image embedding is pooled: "tok" (class token, CLIP) or "avg" (mean of patch tokens)
 */
public record VisionConfig(
    int imageSize, int patchSize, int width, int layers, int headWidth, double mlpRatio, String pool, double dropPath) {
  public VisionConfig {
    if (imageSize <= 0 || patchSize <= 0) throw error("vision_cfg.image_size", "and patch_size must be positive");
    if (imageSize % patchSize != 0) {
      throw error("vision_cfg.image_size", imageSize + " is not divisible by patch_size " + patchSize);
    }
    if (width <= 0 || layers <= 0) throw error("vision_cfg.width", "and layers must be positive");
    if (headWidth <= 0 || width % headWidth != 0) {
      throw error("vision_cfg.head_width", headWidth + " does not divide width " + width);
    }
    if (!pool.equals("tok") && !pool.equals("avg")) throw error("vision_cfg.pool_type", "must be tok or avg, got " + pool);
  }

  public int heads() {
    return width / headWidth;
  }

  public int grid() {
    return imageSize / patchSize;
  }

  public static VisionConfig read(ConfigReader r) {
    if (r.has("layers") && r.getNode("layers").isArray()) throw error("vision_cfg.layers", "as a list (ResNet tower) is not supported by vlt");
    VisionConfig c = new VisionConfig(
        r.getInt("image_size", 224), r.getInt("patch_size", 16), r.getInt("width", 768), r.getInt("layers", 12),
        r.getInt("head_width", 64), r.getDouble("mlp_ratio", 4.0), r.getString("pool_type", "tok"),
        r.getDouble("timm_drop_path", 0.0));
    r.unsupported("ls_init_value", null);
    r.unsupported("patch_dropout", 0.0);
    r.unsupported("attentional_pool", false);
    r.unsupported("no_ln_pre", false);
    r.unsupported("pos_embed_type", "learnable");
    r.unsupported("final_ln_after_pool", false);
    r.unsupported("output_tokens", false);
    r.unsupported("timm_model_name", null);
    r.unsupported("timm_model_pretrained", false);
    r.unsupported("timm_pool", "avg");
    r.unsupported("timm_proj", "linear");
    r.unsupported("timm_proj_bias", false);
    r.unsupported("timm_drop", 0.0);
    r.unsupported("act_kwargs", null);
    r.unsupported("norm_kwargs", null);
    r.unsupported("attn_pooler_queries", 256);
    r.unsupported("attn_pooler_heads", 8);
    r.finish();
    return c;
  }

  public void write(ObjectNode o) {
    o.put("image_size", imageSize).put("patch_size", patchSize).put("width", width).put("layers", layers)
        .put("head_width", headWidth).put("mlp_ratio", mlpRatio);
    if (!pool.equals("tok")) o.put("pool_type", pool);
    if (dropPath > 0) o.put("timm_drop_path", dropPath);
  }
}
