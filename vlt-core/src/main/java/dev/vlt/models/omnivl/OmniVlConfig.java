package dev.vlt.models.omnivl;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.models.clip.TextConfig;
import dev.vlt.models.vit.VitConfig;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.List;
import java.util.Locale;

/**
 * OmniVL's dual encoder (Wang et al. 2022): one visual encoder for images and videos — a divided space-time ViT
 * ({@code vision_cfg} in timm's ViT keywords, {@code num_frames} frames per clip) — and a CLIP text tower
 * ({@code text_cfg} in open_clip's schema), both projected to {@code embed_dim}.
 */
public record OmniVlConfig(int embedDim, int frames, VitConfig vision, TextConfig text, double initLogitScale)
    implements ModelConfig {
  public static final String ARCH = "omnivl";

  public OmniVlConfig {
    if (embedDim <= 0) throw error("embed_dim", "must be positive, got " + embedDim);
    if (frames < 2) throw error("num_frames", "must be at least 2 for a video model, got " + frames);
    if (vision.numClasses() != 0) throw error("vision_cfg.num_classes", "must be 0 (the projection replaces timm's head)");
    if (vision.fcNorm()) throw error("vision_cfg.global_pool", "must be 'token' (each frame's class token)");
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public OmniVl create() {
    return new OmniVl(this);
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
        "OmniVL dual encoder, embed_dim " + embedDim,
        String.format(Locale.ROOT, "vision: divided space-time ViT (temporal then spatial attention per block), %d frames of "
            + "%dx%d px, patch %d, width %d, %d layers, %d heads; images skip the temporal parts",
            frames, vision.imageSize(), vision.imageSize(), vision.patchSize(), vision.width(), vision.depth(), vision.heads()),
        String.format(Locale.ROOT, "text: causal transformer, context %d, vocab %d, width %d, %d layers, %d heads",
            text.contextLength(), text.vocabSize(), text.width(), text.layers(), text.heads()));
  }

  public static OmniVlConfig fromJson(JsonNode modelCfg) {
    ConfigReader r = new ConfigReader(modelCfg, "model_cfg");
    OmniVlConfig c = new OmniVlConfig(r.requireInt("embed_dim"), r.requireInt("num_frames"),
        VitConfig.read(r.child("vision_cfg")), TextConfig.read(r.child("text_cfg")),
        r.getDouble("init_logit_scale", ClipConfig.DEFAULT_LOGIT_SCALE));
    r.finish();
    return c;
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    o.put("embed_dim", embedDim).put("num_frames", frames);
    if (initLogitScale != ClipConfig.DEFAULT_LOGIT_SCALE) o.put("init_logit_scale", initLogitScale);
    vision.write(o.putObject("vision_cfg"));
    text.write(o.putObject("text_cfg"));
    return o;
  }
}
