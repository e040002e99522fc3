package dev.vlt.models.coca;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.clip.TextConfig;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.List;
import java.util.Locale;
import dev.vlt.models.clip.VisionConfig;
import dev.vlt.nn.Activation;

/**
 * CoCa (Yu et al. 2022) in open_clip's {@code model_cfg} schema: a ViT whose tokens an attentional pooler summarises, a
 * causal text tower with an appended CLS token, and a multimodal decoder. The CLIP tower fields are read by
 * {@link VisionConfig} / {@link TextConfig}; this record adds CoCa's own (attentional_pool, attn_pooler_*, embed_cls,
 * output_tokens, multimodal_cfg, custom_text).
 */
public record CocaConfig(
    int embedDim, VisionConfig vision, PoolerConfig pooler, TextConfig text, DecoderConfig decoder, boolean quickGelu,
    double initLogitScale) implements ModelConfig {
  public static final double DEFAULT_LOGIT_SCALE = Math.log(1 / 0.07);
  public static final String ARCH = "coca";

  public CocaConfig {
    if (embedDim <= 0) throw error("embed_dim", "must be positive, got " + embedDim);
    // the decoder attends over pooled image tokens (width embed_dim) from text tokens (text width) in one width
    if (text.width() != embedDim || decoder.width() != embedDim) {
      throw error("embed_dim", embedDim + ", text_cfg.width " + text.width() + " and multimodal_cfg.width "
          + decoder.width() + " must be equal in CoCa");
    }
    if (embedDim % pooler.heads() != 0) {
      throw error("vision_cfg.attn_pooler_heads", pooler.heads() + " does not divide embed_dim " + embedDim);
    }
    if (decoder.contextLength() < text.contextLength() - 1) {
      throw error("multimodal_cfg.context_length", decoder.contextLength() + " is shorter than the "
          + (text.contextLength() - 1) + " tokens the decoder reads in training (text_cfg.context_length - 1)");
    }
    if (!vision.pool().equals("tok")) throw error("vision_cfg.pool_type", "must be tok in CoCa, got " + vision.pool());
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public Coca create() {
    return new Coca(this);
  }

  @Override
  public int imageSize() {
    return vision.imageSize();
  }

  @Override
  public TokenizerSpec tokenizerSpec() {
    return text.tokenizerSpec();
  }

  @Override
  public List<String> summary() {
    return List.of(
        "CoCa, embed_dim " + embedDim + ", activation " + (quickGelu ? "QuickGELU" : "GELU (exact)"),
        String.format(Locale.ROOT, "vision: ViT %dx%d px, patch %d, width %d, %d layers, %d heads; attentional pooler %d queries, %d heads",
            vision.imageSize(), vision.imageSize(), vision.patchSize(), vision.width(), vision.layers(), vision.heads(),
            pooler.queries(), pooler.heads()),
        String.format(Locale.ROOT, "text: causal transformer + CLS, context %d, vocab %d, width %d, %d layers, %d heads",
            text.contextLength(), text.vocabSize(), text.width(), text.layers(), text.heads()),
        String.format(Locale.ROOT, "decoder: %d layers (self-attention, then cross-attention to the image), width %d, %d heads, context %d",
            decoder.layers(), decoder.width(), decoder.heads(), decoder.contextLength()));
  }

  public Activation activation() {
    return quickGelu ? Activation.QUICK_GELU : Activation.GELU;
  }

  /** The longest sequence (start token included) the model can decode: both the text tower and the decoder must take it. */
  public int maxDecodeLength() {
    return Math.min(text.contextLength(), decoder.contextLength());
  }

  public static CocaConfig fromJson(JsonNode modelCfg) {
    ConfigReader r = new ConfigReader(modelCfg, "model_cfg");
    int embedDim = r.requireInt("embed_dim");
    Parts vision = Parts.split(r.getNode("vision_cfg"), "model_cfg.vision_cfg",
        "attentional_pool", "attn_pooler_queries", "attn_pooler_heads", "output_tokens");
    requireTrue(vision.own, "model_cfg.vision_cfg", "attentional_pool", false, "vlt's CoCa pools image tokens with open_clip's attentional pooler");
    requireTrue(vision.own, "model_cfg.vision_cfg", "output_tokens", true, "CoCa's decoder needs the image tokens");
    PoolerConfig pooler = new PoolerConfig(vision.own.getInt("attn_pooler_queries", PoolerConfig.DEFAULT_QUERIES),
        vision.own.getInt("attn_pooler_heads", PoolerConfig.DEFAULT_HEADS));
    Parts text = Parts.split(r.getNode("text_cfg"), "model_cfg.text_cfg", "embed_cls", "output_tokens");
    requireTrue(text.own, "model_cfg.text_cfg", "embed_cls", false, "vlt's CoCa takes the text latent from the appended CLS token");
    requireTrue(text.own, "model_cfg.text_cfg", "output_tokens", true, "CoCa's decoder needs the text tokens");
    TextConfig textCfg = TextConfig.read(text.rest);
    VisionConfig visionCfg = VisionConfig.read(vision.rest);
    DecoderConfig decoder = DecoderConfig.read(r.child("multimodal_cfg"), textCfg.vocabSize());
    requireTrue(r, "model_cfg", "custom_text", false, "open_clip builds CoCa only from a custom_text config");
    CocaConfig c = new CocaConfig(embedDim, visionCfg, pooler, textCfg, decoder, r.getBool("quick_gelu", false),
        r.getDouble("init_logit_scale", DEFAULT_LOGIT_SCALE));
    r.unsupported("cast_dtype", null);
    r.unsupported("init_logit_bias", null);
    r.unsupported("nonscalar_logit_scale", false);
    r.finish();
    vision.own.finish();
    text.own.finish();
    return c;
  }

  /** The model_cfg open_clip reads back into the same CoCa. */
  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    o.put("embed_dim", embedDim);
    if (quickGelu) o.put("quick_gelu", true);
    if (initLogitScale != DEFAULT_LOGIT_SCALE) o.put("init_logit_scale", initLogitScale);
    ObjectNode v = o.putObject("vision_cfg");
    vision.write(v);
    v.put("attentional_pool", true).put("attn_pooler_queries", pooler.queries()).put("attn_pooler_heads", pooler.heads())
        .put("output_tokens", true);
    ObjectNode t = o.putObject("text_cfg");
    text.write(t);
    t.put("embed_cls", true).put("output_tokens", true);
    decoder.write(o.putObject("multimodal_cfg"), text.vocabSize());
    o.put("custom_text", true);
    return o;
  }

  /** A flag CoCa needs set: absent takes {@code absentOk}, false is an error saying why. */
  private static void requireTrue(ConfigReader r, String path, String key, boolean absentOk, String why) {
    boolean present = r.has(key);
    if (!r.getBool(key, absentOk)) {
      throw error(path + "." + key, (present ? "is false" : "is missing") + ": it must be true (" + why + ")");
    }
  }

  /** A tower config split into CoCa's own keys and the rest, which the CLIP tower reader checks strictly. */
  private record Parts(ConfigReader own, ConfigReader rest) {
    static Parts split(JsonNode node, String path, String... ownKeys) {
      if (node != null && !node.isNull() && !node.isObject()) throw error(path, "must be a JSON object");
      ObjectNode rest = node == null || node.isNull() ? JsonNodeFactory.instance.objectNode() : ((ObjectNode) node).deepCopy();
      ObjectNode own = JsonNodeFactory.instance.objectNode();
      for (String k : ownKeys) {
        JsonNode v = rest.remove(k);
        if (v != null) own.set(k, v);
      }
      return new Parts(new ConfigReader(own, path), new ConfigReader(rest, path));
    }
  }
}
