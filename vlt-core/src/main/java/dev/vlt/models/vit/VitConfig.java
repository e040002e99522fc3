package dev.vlt.models.vit;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.nn.VitEmbed.Positions;
import java.util.List;

/**
 * A ViT in timm's {@code VisionTransformer} schema (its constructor keyword names, snake_case): LayerNorm eps 1e-6, exact
 * GELU, pre-norm blocks, no pre-LN, no LayerScale.
 *
 * @param numClasses classifier outputs; 0 = no {@code head} (features only, as MAE's encoder)
 * @param globalPool "token" (class token, then {@code norm}), "avg" (mean of the patch tokens, then {@code fc_norm};
 *     there is no {@code norm}), or "map" ({@code norm}, then latent attention pooling {@code attn_pool})
 * @param positions learned (timm) or MAE's fixed sin-cos table; not a timm keyword, so not read from JSON
 * @param preNorm timm's {@code pre_norm}: a LayerNorm ({@code norm_pre}) on the embedded tokens before the blocks, as
 *     CLIP's image tower has ({@code ln_pre}); what makes the trunk able to hold a CLIP tower's weights
 */
public record VitConfig(int imageSize, int patchSize, int inChans, int numClasses, int width, int depth, int heads,
    double mlpRatio, boolean qkvBias, boolean classToken, String globalPool, double dropPath, Positions positions,
    boolean preNorm) {
  public static final List<String> POOLS = List.of("token", "avg", "map");

  public VitConfig {
    if (imageSize <= 0 || patchSize <= 0 || imageSize % patchSize != 0) {
      throw error("img_size", imageSize + " is not a positive multiple of patch_size " + patchSize);
    }
    if (inChans <= 0) throw error("in_chans", "must be positive, got " + inChans);
    if (numClasses < 0) throw error("num_classes", "must be ≥ 0, got " + numClasses);
    if (width <= 0 || depth <= 0) throw error("embed_dim", "and depth must be positive, got " + width + ", " + depth);
    if (heads <= 0 || width % heads != 0) throw error("num_heads", heads + " does not divide embed_dim " + width);
    if (!(mlpRatio > 0)) throw error("mlp_ratio", "must be positive, got " + mlpRatio);
    if (!POOLS.contains(globalPool)) throw error("global_pool", "must be one of " + POOLS + ", got '" + globalPool + "'");
    if (globalPool.equals("token") && !classToken) throw error("global_pool", "'token' needs class_token true");
    if (!(dropPath >= 0 && dropPath < 1)) throw error("drop_path_rate", "must be in [0, 1), got " + dropPath);
  }

  /** Without {@code norm_pre}, timm's default. */
  public VitConfig(int imageSize, int patchSize, int inChans, int numClasses, int width, int depth, int heads, double mlpRatio,
      boolean qkvBias, boolean classToken, String globalPool, double dropPath, Positions positions) {
    this(imageSize, patchSize, inChans, numClasses, width, depth, heads, mlpRatio, qkvBias, classToken, globalPool, dropPath,
        positions, false);
  }

  /** timm's defaults at a given size: 3 channels, qkv bias, class token, token pooling, learned positions. */
  public static VitConfig of(int imageSize, int patchSize, int width, int depth, int heads, int numClasses) {
    return new VitConfig(imageSize, patchSize, 3, numClasses, width, depth, heads, 4.0, true, true, "token", 0.0,
        Positions.LEARNED);
  }

  public VitConfig withPool(String pool, boolean withClassToken) {
    return new VitConfig(imageSize, patchSize, inChans, numClasses, width, depth, heads, mlpRatio, qkvBias, withClassToken,
        pool, dropPath, positions, preNorm);
  }

  public VitConfig withMlpRatio(double ratio) {
    return new VitConfig(imageSize, patchSize, inChans, numClasses, width, depth, heads, ratio, qkvBias, classToken,
        globalPool, dropPath, positions, preNorm);
  }

  public VitConfig withPreNorm(boolean on) {
    return new VitConfig(imageSize, patchSize, inChans, numClasses, width, depth, heads, mlpRatio, qkvBias, classToken,
        globalPool, dropPath, positions, on);
  }

  public int grid() {
    return imageSize / patchSize;
  }

  public int prefixTokens() {
    return classToken ? 1 : 0;
  }

  /** timm's {@code use_fc_norm}: the final LayerNorm moves after the pooling (as {@code fc_norm}) for mean pooling. */
  public boolean fcNorm() {
    return globalPool.equals("avg");
  }

  /** Reads timm's constructor keywords; any other key is an error, a timm option vlt lacks is accepted only at its default. */
  public static VitConfig read(ConfigReader r) {
    VitConfig c = new VitConfig(
        r.getInt("img_size", 224), r.getInt("patch_size", 16), r.getInt("in_chans", 3), r.getInt("num_classes", 1000),
        r.getInt("embed_dim", 768), r.getInt("depth", 12), r.getInt("num_heads", 12), r.getDouble("mlp_ratio", 4.0),
        r.getBool("qkv_bias", true), r.getBool("class_token", true), r.getString("global_pool", "token"),
        r.getDouble("drop_path_rate", 0.0), Positions.LEARNED, r.getBool("pre_norm", false));
    r.unsupported("qk_norm", false);
    r.unsupported("init_values", null);
    r.unsupported("no_embed_class", false);
    r.unsupported("fc_norm", null);
    r.unsupported("reg_tokens", 0);
    r.unsupported("drop_rate", 0.0);
    r.unsupported("pos_drop_rate", 0.0);
    r.unsupported("patch_drop_rate", 0.0);
    r.unsupported("proj_drop_rate", 0.0);
    r.unsupported("attn_drop_rate", 0.0);
    r.unsupported("dynamic_img_size", false);
    r.finish();
    return c;
  }

  public void write(ObjectNode o) {
    if (positions != Positions.LEARNED) throw new IllegalStateException("timm's schema has no fixed " + positions + " positions");
    o.put("img_size", imageSize).put("patch_size", patchSize).put("in_chans", inChans).put("num_classes", numClasses)
        .put("embed_dim", width).put("depth", depth).put("num_heads", heads).put("mlp_ratio", mlpRatio)
        .put("qkv_bias", qkvBias).put("class_token", classToken).put("global_pool", globalPool);
    if (dropPath > 0) o.put("drop_path_rate", dropPath);
    if (preNorm) o.put("pre_norm", true);
  }
}
