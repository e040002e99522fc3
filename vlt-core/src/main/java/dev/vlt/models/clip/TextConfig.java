package dev.vlt.models.clip;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;

/**
 * The causal text tower, in open_clip's {@code text_cfg} schema.
 *
 * @param pool "argmax" (the end-of-text token has the largest id: CLIP), "eos" (the first {@code eosId}: transformers'
 *     CLIPModel when its eos_token_id is not the legacy 2), "first" or "last"
 * @param hfTokenizerName a Hugging Face tokenizer name; null means CLIP's byte-level BPE
 * @param eosId the end-of-text id "eos" pooling looks for (open_clip's {@code eos_id}, default 2; unused by other pools)
 * @param lowercase open_clip's {@code tokenizer_kwargs: {"clean": "lower"}}: text is lower-cased before a Hugging Face
 *     tokenizer (CLIP's own BPE always lower-cases)
 */
public record TextConfig(
    int contextLength, int vocabSize, int width, int heads, int layers, double mlpRatio, String pool,
    String hfTokenizerName, int eosId, boolean lowercase) {
  public static final int DEFAULT_EOS_ID = 2;

  public TextConfig(
      int contextLength, int vocabSize, int width, int heads, int layers, double mlpRatio, String pool,
      String hfTokenizerName, int eosId) {
    this(contextLength, vocabSize, width, heads, layers, mlpRatio, pool, hfTokenizerName, eosId, false);
  }

  /** The config before "eos" pooling existed: eos_id takes open_clip's default. */
  public TextConfig(
      int contextLength, int vocabSize, int width, int heads, int layers, double mlpRatio, String pool,
      String hfTokenizerName) {
    this(contextLength, vocabSize, width, heads, layers, mlpRatio, pool, hfTokenizerName, DEFAULT_EOS_ID);
  }

  public TextConfig {
    if (contextLength <= 0) throw error("text_cfg.context_length", "must be positive, got " + contextLength);
    if (vocabSize <= 0) throw error("text_cfg.vocab_size", "must be positive, got " + vocabSize);
    if (width <= 0 || layers <= 0) throw error("text_cfg.width", "and layers must be positive");
    if (heads <= 0 || width % heads != 0) throw error("text_cfg.heads", heads + " does not divide width " + width);
    if (!pool.equals("argmax") && !pool.equals("eos") && !pool.equals("first") && !pool.equals("last")) {
      throw error("text_cfg.pool_type", "must be argmax, eos, first or last, got " + pool);
    }
    if (pool.equals("eos") && (eosId < 0 || eosId >= vocabSize)) {
      throw error("text_cfg.eos_id", eosId + " is not a token id of a vocabulary of " + vocabSize);
    }
  }

  public static TextConfig read(ConfigReader r) {
    // tokenizer options belong to the tokenizer, not the module tree: only the lower-casing changes vlt's ids
    boolean lower = "lower".equals(r.has("tokenizer_kwargs") ? r.getNode("tokenizer_kwargs").path("clean").asText() : null);
    TextConfig c = new TextConfig(
        r.getInt("context_length", 77), r.getInt("vocab_size", 49408), r.getInt("width", 512), r.getInt("heads", 8),
        r.getInt("layers", 12), r.getDouble("mlp_ratio", 4.0), r.getString("pool_type", "argmax"),
        r.getString("hf_tokenizer_name", null), r.getInt("eos_id", DEFAULT_EOS_ID), lower);
    r.unsupported("ls_init_value", null);
    r.unsupported("embed_cls", false);
    r.unsupported("pad_id", 0);
    r.unsupported("no_causal_mask", false);
    r.unsupported("final_ln_after_pool", false);
    r.unsupported("proj_bias", false);
    r.unsupported("proj_type", "linear");
    r.unsupported("output_tokens", false);
    r.unsupported("hf_model_name", null);
    r.unsupported("hf_model_pretrained", true);
    r.unsupported("hf_proj_type", "mlp");
    r.unsupported("hf_pooler_type", "mean_pooler");
    r.unsupported("act_kwargs", null);
    r.unsupported("norm_kwargs", null);
    r.finish();
    return c;
  }

  public void write(ObjectNode o) {
    o.put("context_length", contextLength).put("vocab_size", vocabSize).put("width", width).put("heads", heads)
        .put("layers", layers).put("mlp_ratio", mlpRatio);
    if (!pool.equals("argmax")) o.put("pool_type", pool);
    if (eosId != DEFAULT_EOS_ID) o.put("eos_id", eosId);
    if (hfTokenizerName != null) o.put("hf_tokenizer_name", hfTokenizerName);
    if (lowercase) o.putObject("tokenizer_kwargs").put("clean", "lower");
  }

  /** What this tower needs of a tokenizer. */
  public dev.vlt.tokenize.TokenizerSpec tokenizerSpec() {
    return new dev.vlt.tokenize.TokenizerSpec(contextLength, vocabSize, hfTokenizerName, lowercase);
  }
}
