package dev.vlt.io.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.models.clip.TextConfig;
import dev.vlt.models.clip.VisionConfig;

/**
 * transformers' {@code CLIPConfig} ({@code config.json}) ↔ vlt's {@link ClipConfig}.
 *
 * <p>{@code save_pretrained} omits every value equal to the class default, so absent keys take transformers' defaults
 * (below, as of 4.40). Unlike open_clip's configs, these files also carry dozens of generic {@code PretrainedConfig} keys
 * (generation settings, labels, dtype) that do not shape the model; those are ignored. Keys that do shape it are checked:
 * an activation, layer-norm epsilon or channel count vlt does not build is an error naming the key.
 */
public final class HfClipConfig {
  /** transformers' legacy CLIP configs say eos_token_id 2; CLIPTextTransformer then pools at argmax(ids). */
  public static final int LEGACY_EOS = 2;
  private static final double LAYER_NORM_EPS = 1e-5;

  private HfClipConfig() {}

  /** Reads a CLIPModel {@code config.json}; {@code where} names the file in errors. */
  public static ClipConfig read(JsonNode root, String where) {
    if (root == null || !root.isObject()) throw new IllegalArgumentException(where + " must hold a JSON object");
    Reader top = new Reader(root, where, "");
    String type = top.string("model_type", "(absent)");
    if (!type.equals("clip")) throw top.error("model_type", "is '" + type + "'; vlt reads CLIPModel configs (model_type clip)");
    Reader text = top.child("text_config", "text_config_dict");
    Reader vision = top.child("vision_config", "vision_config_dict");
    String textAct = text.string("hidden_act", "quick_gelu");
    String visionAct = vision.string("hidden_act", "quick_gelu");
    checkActivation(text, textAct);
    checkActivation(vision, visionAct);
    if (!textAct.equals(visionAct)) {
      throw vision.error("hidden_act", "'" + visionAct + "' differs from text_config.hidden_act '" + textAct
          + "'; vlt's CLIP uses one activation for both towers");
    }
    for (Reader r : new Reader[] {text, vision}) {
      double eps = r.number("layer_norm_eps", LAYER_NORM_EPS);
      if (eps != LAYER_NORM_EPS) throw r.error("layer_norm_eps", "= " + eps + " is not supported (vlt's CLIP uses 1e-5)");
    }
    int channels = vision.integer("num_channels", 3);
    if (channels != 3) throw vision.error("num_channels", "= " + channels + " is not supported (RGB only)");

    int vw = vision.integer("hidden_size", 768);
    int vHeads = vision.integer("num_attention_heads", 12);
    if (vHeads <= 0 || vw % vHeads != 0) throw vision.error("num_attention_heads", vHeads + " does not divide hidden_size " + vw);
    VisionConfig v = new VisionConfig(vision.integer("image_size", 224), vision.integer("patch_size", 32), vw,
        vision.integer("num_hidden_layers", 12), vw / vHeads, mlpRatio(vision, vw, 3072), "tok", 0.0);

    int tw = text.integer("hidden_size", 512);
    int vocab = text.integer("vocab_size", 49408);
    int eos = text.integer("eos_token_id", 49407);
    TextConfig t = new TextConfig(text.integer("max_position_embeddings", 77), vocab, tw,
        text.integer("num_attention_heads", 8), text.integer("num_hidden_layers", 12), mlpRatio(text, tw, 2048),
        eos == LEGACY_EOS ? "argmax" : "eos", null, eos == LEGACY_EOS ? TextConfig.DEFAULT_EOS_ID : eos);
    return new ClipConfig(top.integer("projection_dim", 512), v, t, textAct.equals("quick_gelu"),
        top.number("logit_scale_init_value", 2.6592));
  }

  /** The {@code config.json} transformers' CLIPModel builds this model from. */
  public static ObjectNode write(ClipConfig cfg, ObjectMapper mapper) {
    VisionConfig v = cfg.vision();
    TextConfig t = cfg.text();
    if (!v.pool().equals("tok")) {
      throw new IllegalArgumentException("vision pool_type " + v.pool() + " has no transformers CLIPModel equivalent (class token only)");
    }
    int eos = switch (t.pool()) {
      // legacy id 2 makes transformers pool at argmax(ids), exactly open_clip's rule, whatever the tokenizer
      case "argmax" -> LEGACY_EOS;
      case "eos" -> {
        if (t.eosId() == LEGACY_EOS) throw new IllegalArgumentException("text eos_id 2 would mean argmax pooling to transformers");
        yield t.eosId();
      }
      default -> throw new IllegalArgumentException("text pool_type " + t.pool() + " has no transformers CLIPModel equivalent");
    };
    String act = cfg.quickGelu() ? "quick_gelu" : "gelu";
    ObjectNode o = mapper.createObjectNode();
    o.putArray("architectures").add("CLIPModel");
    o.put("model_type", "clip").put("projection_dim", cfg.embedDim()).put("logit_scale_init_value", cfg.initLogitScale())
        .put("initializer_factor", 1.0).put("torch_dtype", "float32");
    o.putObject("text_config").put("model_type", "clip_text_model").put("vocab_size", t.vocabSize())
        .put("hidden_size", t.width()).put("intermediate_size", hidden(t.width(), t.mlpRatio()))
        .put("num_hidden_layers", t.layers()).put("num_attention_heads", t.heads())
        .put("max_position_embeddings", t.contextLength()).put("hidden_act", act).put("layer_norm_eps", LAYER_NORM_EPS)
        .put("eos_token_id", eos).put("projection_dim", cfg.embedDim());
    o.putObject("vision_config").put("model_type", "clip_vision_model").put("hidden_size", v.width())
        .put("intermediate_size", hidden(v.width(), v.mlpRatio())).put("num_hidden_layers", v.layers())
        .put("num_attention_heads", v.heads()).put("image_size", v.imageSize()).put("patch_size", v.patchSize())
        .put("num_channels", 3).put("hidden_act", act).put("layer_norm_eps", LAYER_NORM_EPS)
        .put("projection_dim", cfg.embedDim());
    return o;
  }

  /** The MLP width vlt builds for a ratio (ResidualBlock truncates width · ratio). */
  static int hidden(int width, double ratio) {
    return (int) (width * ratio);
  }

  private static double mlpRatio(Reader r, int width, int defaultIntermediate) {
    int inter = r.integer("intermediate_size", defaultIntermediate);
    double ratio = (double) inter / width;
    if (inter <= 0 || hidden(width, ratio) != inter) {
      throw r.error("intermediate_size", inter + " cannot be built as hidden_size " + width + " × an mlp ratio");
    }
    return ratio;
  }

  private static void checkActivation(Reader r, String act) {
    if (!act.equals("gelu") && !act.equals("quick_gelu")) {
      throw r.error("hidden_act", "'" + act + "' is not supported; vlt builds gelu (exact erf) and quick_gelu");
    }
  }

  /** Typed reads of one JSON object, with errors naming the file and dotted key. */
  private record Reader(JsonNode node, String file, String path) {
    Reader child(String key, String overridesKey) {
      JsonNode base = node.get(key);
      if (base != null && !base.isNull() && !base.isObject()) throw error(key, "must be a JSON object");
      ObjectNode merged = new ObjectMapper().createObjectNode();
      if (base != null && base.isObject()) merged.setAll((ObjectNode) base);
      // old configs keep the values in *_config_dict, which transformers lets override *_config
      JsonNode overrides = node.get(overridesKey);
      if (overrides != null && overrides.isObject()) merged.setAll((ObjectNode) overrides);
      return new Reader(merged, file, name(key));
    }

    int integer(String key, int def) {
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) return def;
      if (!v.isIntegralNumber() || !v.canConvertToInt()) throw error(key, "must be an integer, got " + v);
      return v.asInt();
    }

    double number(String key, double def) {
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) return def;
      if (!v.isNumber()) throw error(key, "must be a number, got " + v);
      return v.asDouble();
    }

    String string(String key, String def) {
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) return def;
      if (!v.isTextual()) throw error(key, "must be a string, got " + v);
      return v.asText();
    }

    String name(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    IllegalArgumentException error(String key, String problem) {
      return new IllegalArgumentException(file + ": " + name(key) + " " + problem);
    }
  }
}
