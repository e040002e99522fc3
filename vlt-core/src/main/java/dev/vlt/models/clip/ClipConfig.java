package dev.vlt.models.clip;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.ModelConfig;
import dev.vlt.nn.Activation;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.List;
import java.util.Locale;

/** A CLIP model in open_clip's {@code model_cfg} schema: two towers projected into a shared space of embedDim. */
public record ClipConfig(int embedDim, VisionConfig vision, TextConfig text, boolean quickGelu, double initLogitScale)
    implements ModelConfig {
  public static final double DEFAULT_LOGIT_SCALE = Math.log(1 / 0.07);
  public static final String ARCH = "clip";

  public ClipConfig {
    if (embedDim <= 0) throw error("embed_dim", "must be positive, got " + embedDim);
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public Clip create() {
    return new Clip(this);
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
        "CLIP, embed_dim " + embedDim + ", activation " + (quickGelu ? "QuickGELU" : "GELU (exact)"),
        String.format(Locale.ROOT, "vision: ViT %dx%d px, patch %d (%dx%d grid), width %d, %d layers, %d heads, mlp %.1fx, pool %s",
            vision.imageSize(), vision.imageSize(), vision.patchSize(), vision.grid(), vision.grid(), vision.width(),
            vision.layers(), vision.heads(), vision.mlpRatio(), vision.pool()),
        String.format(Locale.ROOT, "text: causal transformer, context %d, vocab %d, width %d, %d layers, %d heads, pool %s",
            text.contextLength(), text.vocabSize(), text.width(), text.layers(), text.heads(), text.pool()));
  }

  public Activation activation() {
    return quickGelu ? Activation.QUICK_GELU : Activation.GELU;
  }

  public static ClipConfig fromJson(JsonNode modelCfg) {
    ConfigReader r = new ConfigReader(modelCfg, "model_cfg");
    ClipConfig c = new ClipConfig(
        r.requireInt("embed_dim"),
        VisionConfig.read(r.child("vision_cfg")),
        TextConfig.read(r.child("text_cfg")),
        r.getBool("quick_gelu", false),
        r.getDouble("init_logit_scale", DEFAULT_LOGIT_SCALE));
    r.unsupported("cast_dtype", null);
    r.unsupported("custom_text", false);
    r.unsupported("init_logit_bias", null);
    r.unsupported("multimodal_cfg", null);
    r.finish();
    return c;
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    o.put("embed_dim", embedDim);
    if (quickGelu) o.put("quick_gelu", true);
    if (initLogitScale != DEFAULT_LOGIT_SCALE) o.put("init_logit_scale", initLogitScale);
    vision.write(o.putObject("vision_cfg"));
    text.write(o.putObject("text_cfg"));
    return o;
  }
}
