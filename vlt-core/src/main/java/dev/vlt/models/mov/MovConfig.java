package dev.vlt.models.mov;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.omnivl.OmniVlConfig;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * MOV: the video-language model it starts from — an OmniVL dual encoder, its {@code model_cfg} fields at the root — plus
 * {@code mov_cfg}: the cross-attention fusion and how flow is computed.
 *
 * @param base the starting model (RGB through its visual tower, texts through its text tower)
 * @param fusionLayers cross-attention blocks in which the RGB frames' class tokens attend to the flow and audio tokens
 * @param fusionHeads their attention heads (must divide the vision width)
 * @param flowSize the side in pixels at which Horn–Schunck runs (the frame is box-averaged down to it; a divisor of the
 *     image size): a compute bound, flow at full size costs more than the rest of a training step
 * @param flowIterations Horn–Schunck's Jacobi iterations per pyramid level
 * @param flowLevels its pyramid levels
 */
public record MovConfig(OmniVlConfig base, int fusionLayers, int fusionHeads, int flowSize, int flowIterations, int flowLevels)
    implements ModelConfig {
  public static final String ARCH = "mov";
  public static final String KEY = "mov_cfg";

  public MovConfig {
    int w = base.vision().width();
    if (base.tubelet() != 1) throw error("tubelet_size", "MOV's flow copy of the trunk takes one flow image per step: must be 1, got " + base.tubelet());
    if (fusionLayers < 1) throw error(KEY + ".fusion_layers", "must be at least 1, got " + fusionLayers);
    if (fusionHeads < 1 || w % fusionHeads != 0) throw error(KEY + ".fusion_heads", fusionHeads + " does not divide the vision width " + w);
    int s = base.imageSize();
    if (flowSize < 8 || s % flowSize != 0) throw error(KEY + ".flow_size", "must be at least 8 and divide the image size " + s + ", got " + flowSize);
    if (flowIterations < 1) throw error(KEY + ".flow_iterations", "must be at least 1, got " + flowIterations);
    if (flowLevels < 1) throw error(KEY + ".flow_levels", "must be at least 1, got " + flowLevels);
  }

  /** The defaults over {@code base}: one fusion block, heads as the vision tower's, flow at half size. */
  public static MovConfig over(OmniVlConfig base) {
    return new MovConfig(base, 1, base.vision().heads(), base.imageSize() / 2, 30, 2);
  }

  /** Flow fields per clip: one between each pair of consecutive frames. */
  public int flowFrames() {
    return base.frames() - 1;
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public Mov create() {
    return new Mov(this);
  }

  @Override
  public int imageSize() {
    return base.imageSize();
  }

  @Override
  public TokenizerSpec tokenizerSpec() {
    return base.tokenizerSpec();
  }

  @Override
  public List<String> summary() {
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "MOV: RGB through the starting model's video tower; Horn-Schunck flow (%d px, %d iterations, "
        + "%d levels) between the %d frames and the log-mel spectrogram of the sound through copies of it; %d cross-attention "
        + "fusion block(s), %d heads, the RGB frames' class tokens attending to the flow and audio tokens", flowSize,
        flowIterations, flowLevels, base.frames(), fusionLayers, fusionHeads));
    out.addAll(base.summary().stream().map(l -> "starting " + l).toList());
    return out;
  }

  public static MovConfig fromJson(JsonNode modelCfg) {
    if (modelCfg == null || !modelCfg.isObject()) throw error("model_cfg", "must be an object");
    ObjectNode rest = ((ObjectNode) modelCfg).deepCopy();
    JsonNode node = rest.remove(KEY);
    if (node == null) throw error(KEY, "is missing: a MOV config names its fusion and flow settings there");
    OmniVlConfig base = OmniVlConfig.fromJson(rest);
    MovConfig d = over(base);
    ConfigReader r = new ConfigReader(node, "model_cfg." + KEY);
    MovConfig c = new MovConfig(base, r.getInt("fusion_layers", d.fusionLayers()), r.getInt("fusion_heads", d.fusionHeads()),
        r.getInt("flow_size", d.flowSize()), r.getInt("flow_iterations", d.flowIterations()), r.getInt("flow_levels", d.flowLevels()));
    r.finish();
    return c;
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = base.toJson(mapper);
    o.putObject(KEY).put("fusion_layers", fusionLayers).put("fusion_heads", fusionHeads).put("flow_size", flowSize)
        .put("flow_iterations", flowIterations).put("flow_levels", flowLevels);
    return o;
  }
}
