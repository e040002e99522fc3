package dev.vlt.models.coca;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;

/**
 * CoCa's multimodal text decoder, in open_clip's {@code multimodal_cfg} schema. open_clip builds the decoder from
 * context_length, width, heads and layers only: its MLP ratio is always 4 and its vocabulary is the text tower's.
 *
 * @param contextLength the longest token sequence the decoder takes (its causal mask's size)
 */
public record DecoderConfig(int contextLength, int width, int heads, int layers) {
  /** open_clip's MultimodalTransformer never receives multimodal_cfg.mlp_ratio, so it keeps its default. */
  public static final double MLP_RATIO = 4.0;

  public DecoderConfig {
    if (contextLength <= 1) throw error("multimodal_cfg.context_length", "must be at least 2, got " + contextLength);
    if (width <= 0 || layers <= 0) throw error("multimodal_cfg.width", "and layers must be positive");
    if (heads <= 0 || width % heads != 0) throw error("multimodal_cfg.heads", heads + " does not divide width " + width);
  }

  /** Reads multimodal_cfg; {@code textVocab} is the text tower's vocabulary, which the decoder predicts. */
  static DecoderConfig read(ConfigReader r, int textVocab) {
    DecoderConfig c = new DecoderConfig(
        r.getInt("context_length", 77), r.getInt("width", 512), r.getInt("heads", 8), r.getInt("layers", 12));
    int vocab = r.getInt("vocab_size", textVocab);
    if (vocab != textVocab) {
      throw error("multimodal_cfg.vocab_size", vocab + " differs from text_cfg.vocab_size " + textVocab
          + " (open_clip's decoder predicts the text vocabulary)");
    }
    r.unsupported("mlp_ratio", MLP_RATIO);
    r.unsupported("ls_init_value", null);
    // open_clip's MultimodalCfg carries these, but its decoder does not use them (the pooler's come from vision_cfg)
    r.getInt("attn_pooler_heads", 8);
    r.getInt("n_queries", 256);
    r.getInt("dim_head", 64);
    r.finish();
    return c;
  }

  void write(ObjectNode o, int vocabSize) {
    o.put("context_length", contextLength).put("vocab_size", vocabSize).put("width", width).put("heads", heads)
        .put("layers", layers);
  }
}
