package dev.vlt.models.meter;

import static dev.vlt.models.ConfigReader.error;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.bert.BertConfig;
import dev.vlt.models.bert.BertTextEncoder;
import dev.vlt.models.clip.TextConfig;
import dev.vlt.models.clip.TextTransformer;
import dev.vlt.nn.Activation;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Trace;
import java.util.Locale;

/**
 * METER's text encoder, a choice of tower that changes the module tree: a bidirectional BERT encoder (METER's BERT and
 * RoBERTa) or CLIP's causal text transformer (the paper's CLIP text encoder). Read from {@code text_cfg} with
 * {@code "type": "bert"} (torchmultimodal's BERT keys) or {@code "type": "clip"} (open_clip's {@code text_cfg} keys).
 */
public sealed interface TextTowerConfig permits TextTowerConfig.Bert, TextTowerConfig.Clip {
  /** The tower's token width. */
  int width();

  int vocabSize();

  /** The longest text in tokens. */
  int contextLength();

  /** The id that pads texts (their attention mask is 0 there). */
  int padId();

  /** The tower, uninitialised. */
  Module create();

  /** ids and atts [B, L] → token states [B, L, width()] of a tower {@link #create()} made. */
  NDArray tokens(Module tower, NDArray ids, NDArray atts);

  String describe();

  void write(ObjectNode o);

  /** A BERT encoder (post-norm, bidirectional, key padding mask). */
  record Bert(BertConfig cfg) implements TextTowerConfig {
    @Override
    public int width() {
      return cfg.hiddenSize();
    }

    @Override
    public int vocabSize() {
      return cfg.embeddings().vocabSize();
    }

    @Override
    public int contextLength() {
      return cfg.embeddings().maxPositions();
    }

    @Override
    public int padId() {
      return cfg.embeddings().padId();
    }

    @Override
    public Module create() {
      return new BertTextEncoder(cfg);
    }

    @Override
    public NDArray tokens(Module tower, NDArray ids, NDArray atts) {
      return ((BertTextEncoder) tower).forward(ids, atts);
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "text: BERT, vocab %d, %d positions, width %d, %d layers, %d heads", vocabSize(),
          contextLength(), width(), cfg.layers(), cfg.heads());
    }

    @Override
    public void write(ObjectNode o) {
      o.put("type", "bert");
      cfg.embeddings().write(o);
      o.put("num_hidden_layers", cfg.layers()).put("num_attention_heads", cfg.heads())
          .put("intermediate_size", cfg.intermediateSize()).put("dropout", 0.0);
    }
  }

  /**
   * CLIP's causal text transformer. Its {@code text_projection} (CLIP's contrastive projection) is kept, so a CLIP
   * checkpoint's text tower loads under its own keys, but METER reads token states before it: the projection is frozen.
   */
  record Clip(TextConfig cfg) implements TextTowerConfig {
    @Override
    public int width() {
      return cfg.width();
    }

    @Override
    public int vocabSize() {
      return cfg.vocabSize();
    }

    @Override
    public int contextLength() {
      return cfg.contextLength();
    }

    @Override
    public int padId() {
      return 0;  // CLIP pads with 0 and attends causally, so padding after the end never reaches a real token
    }

    @Override
    public Module create() {
      TextTransformer t = new TextTransformer(cfg, cfg.width(), Activation.GELU);
      t.namedParameters().get("text_projection").setFrozen(true);
      return t;
    }

    @Override
    public NDArray tokens(Module tower, NDArray ids, NDArray atts) {
      return ((TextTransformer) tower).forwardTokens(ids, Trace.NONE);
    }

    @Override
    public String describe() {
      return String.format(Locale.ROOT, "text: CLIP's causal transformer, vocab %d, context %d, width %d, %d layers, %d heads",
          vocabSize(), contextLength(), width(), cfg.layers(), cfg.heads());
    }

    @Override
    public void write(ObjectNode o) {
      o.put("type", "clip");
      cfg.write(o);
    }
  }

  static TextTowerConfig read(ConfigReader r) {
    String type = r.getString("type", null);
    if (type == null) throw error("text_cfg.type", "is required: \"bert\" or \"clip\"");
    return switch (type) {
      case "bert" -> new Bert(BertConfig.read(r));
      case "clip" -> new Clip(TextConfig.read(r));
      default -> throw error("text_cfg.type", "must be \"bert\" or \"clip\", got '" + type + "'");
    };
  }
}
