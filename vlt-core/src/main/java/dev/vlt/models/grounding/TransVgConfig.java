package dev.vlt.models.grounding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.fusion.FusionConfig;
import dev.vlt.tensor.Module;
import java.util.List;
import java.util.Locale;

/**
 * TransVG (Deng et al. 2021): {@code towers} give visual and linguistic tokens, {@code fusion} sizes the
 * visual-linguistic transformer ({@code fusion_cfg} in torchmultimodal's encoder schema) that also carries the [REG]
 * token. JSON: {@code {"context_length", "vision_cfg", "text_cfg", "fusion_cfg"}}.
 */
public record TransVgConfig(GroundingTowers towers, FusionConfig fusion) implements GroundingConfig {
  public static final String ARCH = "transvg";

  public static TransVgConfig fromJson(JsonNode modelCfg) {
    ConfigReader r = new ConfigReader(modelCfg, "model_cfg");
    GroundingTowers towers = GroundingTowers.read(r);
    FusionConfig fusion = FusionConfig.read(r.child("fusion_cfg"));
    r.finish();
    return new TransVgConfig(towers, fusion);
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public Module create() {
    return new TransVg(this);
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    towers.write(mapper, o);
    fusion.write(o.putObject("fusion_cfg"));
    return o;
  }

  /** Tokens through the fusion stack: [REG], the text, the patches. */
  public int fusedTokens() {
    return 1 + towers.contextLength() + towers.vision().grid() * towers.vision().grid();
  }

  @Override
  public List<String> summary() {
    return List.of("TransVG: [REG] + text tokens + visual tokens through a visual-linguistic transformer, box MLP on [REG]"
        + towers.describeReadout(), towers.describeVision(), towers.describeText(),
        String.format(Locale.ROOT, "fusion: %d post-norm layers, width %d, %d heads, %d tokens with learned positions",
            fusion.layers(), fusion.hiddenSize(), fusion.heads(), fusedTokens()));
  }
}
