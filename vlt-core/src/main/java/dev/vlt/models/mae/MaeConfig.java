package dev.vlt.models.mae;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.vit.VitConfig;
import dev.vlt.nn.VitEmbed.Positions;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.List;
import java.util.Locale;

/**
 * A masked autoencoder in the schema of MAE's {@code MaskedAutoencoderViT} keywords (snake_case), plus the mask ratio its
 * {@code forward} takes. LayerNorm eps is 1e-6 as in the {@code mae_vit_*} factories.
 *
 * @param maskRatio the fraction of patches removed before the encoder (MAE: 0.75)
 * @param normPixLoss whether the pixel targets are normalised per patch; read by the training task, not by the model
 */
public record MaeConfig(int imageSize, int patchSize, int inChans, int width, int depth, int heads, int decoderWidth,
    int decoderDepth, int decoderHeads, double mlpRatio, double maskRatio, boolean normPixLoss) implements ModelConfig {
  public static final String ARCH = "mae";

  public MaeConfig {
    if (decoderWidth <= 0 || decoderDepth <= 0) {
      throw error("decoder_embed_dim", "and decoder_depth must be positive, got " + decoderWidth + ", " + decoderDepth);
    }
    if (decoderHeads <= 0 || decoderWidth % decoderHeads != 0) {
      throw error("decoder_num_heads", decoderHeads + " does not divide decoder_embed_dim " + decoderWidth);
    }
    if (width % 4 != 0) throw error("embed_dim", width + " must be divisible by 4 for the 2-D sin-cos positions");
    if (decoderWidth % 4 != 0) throw error("decoder_embed_dim", decoderWidth + " must be divisible by 4 for the 2-D sin-cos positions");
    if (!(maskRatio >= 0 && maskRatio < 1)) throw error("mask_ratio", "must be in [0, 1), got " + maskRatio);
    encoder(imageSize, patchSize, inChans, width, depth, heads, mlpRatio);        // validates the encoder's fields
  }

  /** The encoder: a timm ViT with fixed sin-cos positions, a class token, qkv bias, {@code norm}, no head. */
  public VitConfig encoder() {
    return encoder(imageSize, patchSize, inChans, width, depth, heads, mlpRatio);
  }

  private static VitConfig encoder(int imageSize, int patchSize, int inChans, int width, int depth, int heads, double mlpRatio) {
    return new VitConfig(imageSize, patchSize, inChans, 0, width, depth, heads, mlpRatio, true, true, "token", 0.0,
        Positions.FIXED_SINCOS);
  }

  public int grid() {
    return imageSize / patchSize;
  }

  /** Patches L = g². */
  public int patches() {
    return grid() * grid();
  }

  /** Values per patch, p·p·C: the decoder's prediction width. */
  public int patchDim() {
    return patchSize * patchSize * inChans;
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public Mae create() {
    return new Mae(this);
  }

  /** MAE reads no text. */
  @Override
  public TokenizerSpec tokenizerSpec() {
    return null;
  }

  @Override
  public List<String> summary() {
    return List.of(
        String.format(Locale.ROOT, "MAE, %dx%d px, patch %d (%d patches), mask ratio %.2f, %s targets", imageSize, imageSize,
            patchSize, patches(), maskRatio, normPixLoss ? "per-patch normalised pixel" : "pixel"),
        String.format(Locale.ROOT, "encoder: ViT width %d, %d layers, %d heads, fixed 2-D sin-cos positions", width, depth, heads),
        String.format(Locale.ROOT, "decoder: width %d, %d layers, %d heads, predicts %d values per patch", decoderWidth,
            decoderDepth, decoderHeads, patchDim()));
  }

  /** A {@code model_cfg} object in MAE's keyword names. */
  public static MaeConfig fromJson(JsonNode modelCfg) {
    return read(new ConfigReader(modelCfg, "model_cfg"));
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    write(o);
    return o;
  }

  public static MaeConfig read(ConfigReader r) {
    MaeConfig c = new MaeConfig(
        r.getInt("img_size", 224), r.getInt("patch_size", 16), r.getInt("in_chans", 3), r.getInt("embed_dim", 1024),
        r.getInt("depth", 24), r.getInt("num_heads", 16), r.getInt("decoder_embed_dim", 512), r.getInt("decoder_depth", 8),
        r.getInt("decoder_num_heads", 16), r.getDouble("mlp_ratio", 4.0), r.getDouble("mask_ratio", 0.75),
        r.getBool("norm_pix_loss", false));
    r.finish();
    return c;
  }

  public void write(ObjectNode o) {
    o.put("img_size", imageSize).put("patch_size", patchSize).put("in_chans", inChans).put("embed_dim", width)
        .put("depth", depth).put("num_heads", heads).put("decoder_embed_dim", decoderWidth).put("decoder_depth", decoderDepth)
        .put("decoder_num_heads", decoderHeads).put("mlp_ratio", mlpRatio).put("mask_ratio", maskRatio)
        .put("norm_pix_loss", normPixLoss);
  }
}
