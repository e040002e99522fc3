package dev.vlt.models.omnivl;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.models.clip.TextConfig;
import dev.vlt.models.coca.DecoderConfig;
import dev.vlt.models.vit.VitConfig;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.List;
import java.util.Locale;

/**
 * OmniVL (Wang et al. 2022): one visual encoder for images and videos — a divided space-time ViT ({@code vision_cfg} in
 * timm's ViT keywords, {@code num_frames} frames per clip) — and a CLIP text tower ({@code text_cfg} in open_clip's
 * schema), both projected to {@code embed_dim}; optionally OmniVL's captioning decoder.
 *
 * @param decoder the caption decoder ({@code decoder_cfg}: context_length, width, heads, layers, as open_clip's
 *     {@code multimodal_cfg}), a causal decoder over the text tower's states that cross-attends to every frame's tokens;
 *     null for the dual encoder alone. Its width must equal the vision and text widths, since it reads both.
 * @param tubelet frames per time step of the visual encoder ({@code tubelet_size}, default 1: every frame a step); with
 *     k &gt; 1 each run of k frames is one tubelet token, VideoMAE's stem, and an image is a still tubelet
 */
public record OmniVlConfig(int embedDim, int frames, VitConfig vision, TextConfig text, double initLogitScale,
    DecoderConfig decoder, int tubelet) implements ModelConfig {
  public static final String ARCH = "omnivl";

  public OmniVlConfig {
    if (embedDim <= 0) throw error("embed_dim", "must be positive, got " + embedDim);
    if (frames < 2) throw error("num_frames", "must be at least 2 for a video model, got " + frames);
    if (tubelet < 1 || frames % tubelet != 0 || frames / tubelet < 2) {
      throw error("tubelet_size", tubelet + " must divide num_frames " + frames + " into at least 2 time steps");
    }
    if (vision.numClasses() != 0) throw error("vision_cfg.num_classes", "must be 0 (the projection replaces timm's head)");
    if (vision.fcNorm()) throw error("vision_cfg.global_pool", "must be 'token' (each frame's class token)");
    if (decoder != null) {
      int w = vision.width();
      if (text.width() != w) throw error("text_cfg.width", text.width() + " must equal the vision width " + w + " (the caption decoder reads both)");
      if (decoder.width() != w) throw error("decoder_cfg.width", decoder.width() + " must equal the vision and text width " + w);
      if (decoder.contextLength() < text.contextLength() - 1) {
        throw error("decoder_cfg.context_length", decoder.contextLength() + " is shorter than a caption's "
            + (text.contextLength() - 1) + " decoder inputs");
      }
    }
  }

  /** The dual encoder alone, without a caption decoder. */
  public OmniVlConfig(int embedDim, int frames, VitConfig vision, TextConfig text, double initLogitScale) {
    this(embedDim, frames, vision, text, initLogitScale, null, 1);
  }

  /** This config with {@code decoder} as its caption decoder (null: none). */
  public OmniVlConfig withDecoder(DecoderConfig decoder) {
    return new OmniVlConfig(embedDim, frames, vision, text, initLogitScale, decoder, tubelet);
  }

  /** This config with tubelets of {@code tubelet} frames. */
  public OmniVlConfig withTubelet(int tubelet) {
    return new OmniVlConfig(embedDim, frames, vision, text, initLogitScale, decoder, tubelet);
  }

  /** The longest sequence, start token included, the caption decoder can write. */
  public int maxDecodeLength() {
    return decoder == null ? 0 : Math.min(text.contextLength(), decoder.contextLength());
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
    List<String> out = new java.util.ArrayList<>(List.of(
        "OmniVL dual encoder" + (decoder != null ? " with a caption decoder" : "") + ", embed_dim " + embedDim,
        String.format(Locale.ROOT, "vision: divided space-time ViT (temporal then spatial attention per block), %d frames of "
            + "%dx%d px, %s %d, width %d, %d layers, %d heads; images skip the temporal parts",
            frames, vision.imageSize(), vision.imageSize(), tubelet == 1 ? "patch" : "tubelets of " + tubelet + " frames, patch",
            vision.patchSize(), vision.width(), vision.depth(), vision.heads()),
        String.format(Locale.ROOT, "text: causal transformer, context %d, vocab %d, width %d, %d layers, %d heads",
            text.contextLength(), text.vocabSize(), text.width(), text.layers(), text.heads())));
    if (decoder != null) {
      out.add(String.format(Locale.ROOT, "decoder: caption decoder (CoCa's), %d layers, width %d, %d heads, cross-attending to "
          + "every frame's tokens", decoder.layers(), decoder.width(), decoder.heads()));
    }
    return out;
  }

  public static OmniVlConfig fromJson(JsonNode modelCfg) {
    ConfigReader r = new ConfigReader(modelCfg, "model_cfg");
    int embedDim = r.requireInt("embed_dim"), frames = r.requireInt("num_frames"), tubelet = r.getInt("tubelet_size", 1);
    VitConfig vision = VitConfig.read(r.child("vision_cfg"));
    TextConfig text = TextConfig.read(r.child("text_cfg"));
    double scale = r.getDouble("init_logit_scale", ClipConfig.DEFAULT_LOGIT_SCALE);
    DecoderConfig decoder = null;
    if (r.getNode("decoder_cfg") != null) {
      ConfigReader d = r.child("decoder_cfg");
      decoder = new DecoderConfig(d.getInt("context_length", text.contextLength()), d.getInt("width", text.width()),
          d.getInt("heads", text.heads()), d.getInt("layers", 2));
      d.finish();
    }
    OmniVlConfig c = new OmniVlConfig(embedDim, frames, vision, text, scale, decoder, tubelet);
    r.finish();
    return c;
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    o.put("embed_dim", embedDim).put("num_frames", frames);
    if (tubelet != 1) o.put("tubelet_size", tubelet);
    if (initLogitScale != ClipConfig.DEFAULT_LOGIT_SCALE) o.put("init_logit_scale", initLogitScale);
    vision.write(o.putObject("vision_cfg"));
    text.write(o.putObject("text_cfg"));
    if (decoder != null) {
      o.putObject("decoder_cfg").put("context_length", decoder.contextLength()).put("width", decoder.width())
          .put("heads", decoder.heads()).put("layers", decoder.layers());
    }
    return o;
  }
}
