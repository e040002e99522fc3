package dev.vlt.models.video;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;

/**
 * VideoMAE's pretraining model in the schema of its {@code PretrainVisionTransformer} keywords (snake_case), plus the
 * frame count (the reference fixes 16: its encoder never passes {@code num_frames} on), the tube-mask ratio and the target
 * normalisation of its training script.
 *
 * @param normalizeTarget VideoMAE's {@code --normlize_target} (sic; on by default): read by the training task, not the model
 */
public record VideoMaeConfig(JointVitConfig encoder, int decoderWidth, int decoderDepth, int decoderHeads, double maskRatio,
    boolean normalizeTarget) {
  public VideoMaeConfig {
    if (decoderWidth <= 0 || decoderDepth <= 0) throw error("decoder_embed_dim", "and decoder_depth must be positive");
    if (decoderHeads <= 0 || decoderWidth % decoderHeads != 0) {
      throw error("decoder_num_heads", decoderHeads + " does not divide decoder_embed_dim " + decoderWidth);
    }
    if (!(maskRatio >= 0 && maskRatio < 1)) throw error("mask_ratio", "must be in [0, 1), got " + maskRatio);
  }

  public static VideoMaeConfig read(ConfigReader r) {
    int patch = r.getInt("patch_size", 16);
    int tubelet = r.getInt("tubelet_size", 2);
    int chans = r.getInt("encoder_in_chans", 3);
    JointVitConfig enc = new JointVitConfig(r.getInt("img_size", 224), patch, chans, r.getInt("num_frames", 16), tubelet,
        r.getInt("encoder_embed_dim", 768), r.getInt("encoder_depth", 12), r.getInt("encoder_num_heads", 12),
        r.getDouble("mlp_ratio", 4.0), r.getBool("qkv_bias", false), r.getDouble("drop_path_rate", 0.0));
    int classes = r.getInt("decoder_num_classes", 1536);
    if (classes != enc.tubeletDim()) {
      throw error("decoder_num_classes", classes + " must be tubelet_size·patch_size²·channels = " + enc.tubeletDim());
    }
    VideoMaeConfig c = new VideoMaeConfig(enc, r.getInt("decoder_embed_dim", 512), r.getInt("decoder_depth", 8),
        r.getInt("decoder_num_heads", 8), r.getDouble("mask_ratio", 0.9), r.getBool("normalize_target", true));
    r.unsupported("encoder_num_classes", 0);
    r.unsupported("init_values", 0.0);
    r.unsupported("use_learnable_pos_emb", false);
    r.unsupported("drop_rate", 0.0);
    r.unsupported("attn_drop_rate", 0.0);
    r.unsupported("qk_scale", null);
    r.finish();
    return c;
  }

  public void write(ObjectNode o) {
    JointVitConfig e = encoder;
    o.put("img_size", e.imageSize()).put("patch_size", e.patchSize()).put("encoder_in_chans", e.inChans())
        .put("num_frames", e.frames()).put("tubelet_size", e.tubelet()).put("encoder_embed_dim", e.width())
        .put("encoder_depth", e.depth()).put("encoder_num_heads", e.heads()).put("mlp_ratio", e.mlpRatio())
        .put("qkv_bias", e.qkvBias()).put("decoder_num_classes", e.tubeletDim()).put("decoder_embed_dim", decoderWidth)
        .put("decoder_depth", decoderDepth).put("decoder_num_heads", decoderHeads).put("mask_ratio", maskRatio)
        .put("normalize_target", normalizeTarget);
    if (e.dropPath() > 0) o.put("drop_path_rate", e.dropPath());
  }
}
