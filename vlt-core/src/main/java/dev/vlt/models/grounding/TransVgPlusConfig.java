package dev.vlt.models.grounding;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.tensor.Module;
import java.util.ArrayList;
import java.util.List;

/**
 * TransVG++ (Deng et al. 2023): the ViT of {@code towers} becomes a language-conditioned vision transformer. The text
 * enters after the blocks listed in {@code language_layers} (0-based, increasing; by default evenly spaced: after every
 * other block, ending at the last), where patch tokens cross-attend to it. No separate fusion stack.
 * JSON: {@code {"context_length", "vision_cfg", "text_cfg", "language_layers"}}.
 */
public record TransVgPlusConfig(GroundingTowers towers, List<Integer> languageLayers) implements GroundingConfig {
  public static final String ARCH = "transvg++";

  public TransVgPlusConfig {
    languageLayers = List.copyOf(languageLayers);
    if (languageLayers.isEmpty()) throw error("language_layers", "must name at least one block (without language the model cannot ground)");
    int depth = towers.vision().depth();
    for (int i = 0; i < languageLayers.size(); i++) {
      int l = languageLayers.get(i);
      if (l < 0 || l >= depth) throw error("language_layers", l + " is not a block index in 0.." + (depth - 1));
      if (i > 0 && l <= languageLayers.get(i - 1)) throw error("language_layers", "must be strictly increasing, got " + languageLayers);
    }
  }

  /** Evenly spaced: after blocks depth−1, depth−1−step, … for {@code count} blocks (TransVG++ conditions every few layers). */
  public static List<Integer> evenlySpaced(int depth, int count) {
    if (count < 1 || count > depth) throw error("language_layers", "cannot place " + count + " language blocks in " + depth + " blocks");
    List<Integer> out = new ArrayList<>();
    for (int k = count - 1; k >= 0; k--) out.add(depth - 1 - (int) Math.round((double) k * depth / count));
    return out;
  }

  public static TransVgPlusConfig fromJson(JsonNode modelCfg) {
    ConfigReader r = new ConfigReader(modelCfg, "model_cfg");
    GroundingTowers towers = GroundingTowers.read(r);
    JsonNode layers = r.getNode("language_layers");
    List<Integer> list = new ArrayList<>();
    if (layers == null) {
      list.addAll(evenlySpaced(towers.vision().depth(), Math.max(1, towers.vision().depth() / 2)));
    } else {
      if (!layers.isArray()) throw error("model_cfg.language_layers", "must be a list of block indices, got " + layers);
      for (JsonNode n : layers) {
        if (!n.isIntegralNumber()) throw error("model_cfg.language_layers", "must hold integers, got " + n);
        list.add(n.asInt());
      }
    }
    r.finish();
    return new TransVgPlusConfig(towers, list);
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public Module create() {
    return new TransVgPlus(this);
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    towers.write(mapper, o);
    ArrayNode a = o.putArray("language_layers");
    languageLayers.forEach(a::add);
    return o;
  }

  @Override
  public List<String> summary() {
    return List.of("TransVG++: a language-conditioned ViT ([REG] in the class-token slot, text cross-attention after blocks "
        + languageLayers + "), box MLP on [REG]" + towers.describeReadout(), towers.describeVision(), towers.describeText());
  }
}
