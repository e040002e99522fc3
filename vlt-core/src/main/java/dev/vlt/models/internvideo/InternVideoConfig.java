package dev.vlt.models.internvideo;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.omnivl.OmniVlConfig;
import dev.vlt.models.video.JointVitConfig;
import dev.vlt.models.video.VideoMaeConfig;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.List;
import java.util.Locale;

/**
 * InternVideo (Wang et al. 2022): two video backbones and the cross-model attention that fuses them.
 *
 * @param mvm the masked-video-modeling backbone, a VideoMAE ({@code mvm_cfg}, VideoMAE's keywords)
 * @param vl the video-language backbone, an OmniVL with its caption decoder ({@code vl_cfg}, OmniVL's {@code model_cfg};
 *     its {@code decoder_cfg} is required here: InternVideo's multimodal backbone trains by captioning)
 * @param fusionLayers cross-model attention blocks ({@code fusion_cfg.layers}): the video-language backbone's frame tokens
 *     attend to the masked-video backbone's tokens
 * @param fusionHeads their heads ({@code fusion_cfg.heads})
 */
public record InternVideoConfig(VideoMaeConfig mvm, OmniVlConfig vl, int fusionLayers, int fusionHeads)
    implements ModelConfig {
  public static final String ARCH = "internvideo";

  public InternVideoConfig {
    JointVitConfig m = mvm.encoder();
    if (m.frames() != vl.frames()) throw error("mvm_cfg.num_frames", m.frames() + " differs from vl_cfg.num_frames " + vl.frames());
    if (m.imageSize() != vl.imageSize()) throw error("mvm_cfg.img_size", m.imageSize() + " differs from vl_cfg's " + vl.imageSize());
    int w = vl.vision().width();
    if (vl.tubelet() != 1) throw error("vl_cfg.tubelet_size", "the cross-model attention reads one token per frame: must be 1, got " + vl.tubelet());
    if (vl.decoder() == null) throw error("vl_cfg.decoder_cfg", "is missing: the video-language backbone's caption decoder");
    if (fusionLayers < 1) throw error("fusion_cfg.layers", "must be at least 1, got " + fusionLayers);
    if (fusionHeads < 1 || w % fusionHeads != 0) throw error("fusion_cfg.heads", fusionHeads + " does not divide the vision width " + w);
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public InternVideo create() {
    return new InternVideo(this);
  }

  @Override
  public int imageSize() {
    return vl.imageSize();
  }

  @Override
  public TokenizerSpec tokenizerSpec() {
    return vl.tokenizerSpec();
  }

  @Override
  public List<String> summary() {
    JointVitConfig m = mvm.encoder();
    List<String> out = new java.util.ArrayList<>();
    out.add("InternVideo: a masked-video backbone and a video-language backbone, fused by cross-model attention");
    out.add(String.format(Locale.ROOT, "mvm: VideoMAE, joint space-time ViT over %d frames, tubelet %d, patch %d, width %d, %d layers; "
        + "pixel decoder width %d, %d layers; tube masking %.0f %%", m.frames(), m.tubelet(), m.patchSize(), m.width(), m.depth(),
        mvm.decoderWidth(), mvm.decoderDepth(), 100 * mvm.maskRatio()));
    List<String> v = vl.summary();
    out.add("vl: " + v.get(0));
    v.subList(1, v.size()).forEach(l -> out.add("vl " + l));
    out.add(String.format(Locale.ROOT, "fusion: cross-model attention, %d block(s), %d heads; the frames' class tokens attend to "
        + "the masked-video tokens, output projections zero at initialisation", fusionLayers, fusionHeads));
    return out;
  }

  public static InternVideoConfig fromJson(JsonNode modelCfg) {
    ConfigReader r = new ConfigReader(modelCfg, "model_cfg");
    VideoMaeConfig mvm = VideoMaeConfig.read(r.child("mvm_cfg"));
    JsonNode vlNode = r.getNode("vl_cfg");
    if (vlNode == null) throw error("model_cfg.vl_cfg", "is missing: the video-language backbone's OmniVL config");
    OmniVlConfig vl = OmniVlConfig.fromJson(vlNode);
    ConfigReader f = r.child("fusion_cfg");
    int layers = f.getInt("layers", 1), heads = f.getInt("heads", vl.vision().heads());
    f.finish();
    r.finish();
    return new InternVideoConfig(mvm, vl, layers, heads);
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    mvm.write(o.putObject("mvm_cfg"));
    o.set("vl_cfg", vl.toJson(mapper));
    o.putObject("fusion_cfg").put("layers", fusionLayers).put("heads", fusionHeads);
    return o;
  }
}
