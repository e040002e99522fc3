package dev.vlt.models.loupe;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * LOUPE: a CLIP in open_clip's {@code model_cfg} schema (its image embedding the mean of the patch tokens, {@code
 * pool_type avg}, so that masking patches out of the pooling is the value function) plus {@code loupe_cfg}: the region
 * head and the neural Shapley module's widths, the candidate regions (patch rectangles with sides
 * {@code min_side..max_side}), and the sampling budget per training step.
 *
 * @param hidden the region head's MLP width
 * @param shapleyHidden the neural Shapley interaction module's MLP width
 * @param minSide smallest candidate region side, in patches
 * @param maxSide largest candidate region side, in patches
 * @param regions candidate regions per phrase per step (half the region head's best, half drawn at random)
 * @param contexts sampled contexts per region whose interaction is sampled
 * @param phrases noun phrases per caption per step, at most
 * @param uncertaintyThreshold the neural module's predicted standard deviation (of the interaction per member) above
 *     which the sampled value is used; 0.01 in the bundled config, about the sampling's own error at 8 contexts against 64
 *     (MAE 0.006 on held-out scenes), so the module is trusted where it claims to be as good as the sampling it replaces
 * @param audit the share of regions sampled even when the module is sure (its training targets there)
 * @param regionHead whether grounding uses the interaction-trained region head; false grounds by the plain
 *     patch-phrase cosine of the CLIP (the ablation)
 */
public record LoupeConfig(ClipConfig clip, int hidden, int shapleyHidden, int minSide, int maxSide, int regions, int contexts,
    int phrases, double uncertaintyThreshold, double audit, boolean regionHead) implements ModelConfig {
  public static final String ARCH = "loupe";
  public static final String KEY = "loupe_cfg";

  public LoupeConfig {
    String at = "model_cfg." + KEY + ".";
    int grid = clip.vision().grid();
    if (!clip.vision().pool().equals("avg")) {
      throw error("model_cfg.vision_cfg.pool_type", "must be avg for LOUPE: its value function masks patches out of the mean pool");
    }
    if (grid * grid > 64) throw error("model_cfg.vision_cfg", "LOUPE's players are at most 64 patches, this grid has " + grid * grid);
    if (hidden <= 0) throw error(at + "hidden", "must be positive, got " + hidden);
    if (shapleyHidden <= 0) throw error(at + "shapley_hidden", "must be positive, got " + shapleyHidden);
    if (minSide < 1 || minSide > grid) throw error(at + "min_side", "must be in 1.." + grid + ", got " + minSide);
    if (maxSide < minSide) throw error(at + "max_side", "must be at least min_side " + minSide + ", got " + maxSide);
    if (regions < 2) throw error(at + "regions", "must be at least 2, got " + regions);
    if (contexts < 1) throw error(at + "contexts", "must be positive, got " + contexts);
    if (phrases < 1) throw error(at + "phrases", "must be positive, got " + phrases);
    if (!(uncertaintyThreshold > 0) || Double.isInfinite(uncertaintyThreshold)) {
      throw error(at + "uncertainty_threshold", "must be a positive number, got " + uncertaintyThreshold);
    }
    if (!(audit >= 0 && audit <= 1)) throw error(at + "audit", "must be in [0, 1], got " + audit);
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public Loupe create() {
    return new Loupe(this);
  }

  @Override
  public int imageSize() {
    return clip.imageSize();
  }

  @Override
  public TokenizerSpec tokenizerSpec() {
    return clip.tokenizerSpec();
  }

  /** The same LOUPE grounding by the region head's map ({@code true}) or by the plain patch-phrase cosine. */
  public LoupeConfig withRegionHead(boolean on) {
    return new LoupeConfig(clip, hidden, shapleyHidden, minSide, maxSide, regions, contexts, phrases, uncertaintyThreshold, audit, on);
  }

  @Override
  public List<String> summary() {
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "LOUPE: region head (MLP %d -> %d -> %d on patch tokens)%s, neural Shapley module "
            + "(MLP -> %d -> mean, log-variance), regions: patch rectangles of %d..%d sides; per step %d regions per phrase, "
            + "%d contexts per sampled region, %d phrases per caption, sampled where the module's sd > %.3f and for %.0f%% of "
            + "the rest", clip.vision().width(), hidden, clip.embedDim(),
        regionHead ? "" : " not used for grounding (plain patch-phrase cosine)", shapleyHidden, minSide, maxSide, regions, contexts,
        phrases, uncertaintyThreshold, 100 * audit));
    out.addAll(clip.summary());
    return out;
  }

  public static LoupeConfig fromJson(JsonNode modelCfg) {
    if (modelCfg == null || !modelCfg.isObject()) throw error("model_cfg", "must be an object");
    ObjectNode rest = ((ObjectNode) modelCfg).deepCopy();
    JsonNode loupe = rest.remove(KEY);
    if (loupe == null) throw error(KEY, "is missing: a LOUPE config names its heads and sampling budget there");
    ClipConfig clip = ClipConfig.fromJson(rest);
    ConfigReader r = new ConfigReader(loupe, "model_cfg." + KEY);
    int e = clip.embedDim();
    LoupeConfig c = new LoupeConfig(clip, r.getInt("hidden", 2 * e), r.getInt("shapley_hidden", 2 * e), r.getInt("min_side", 1),
        r.getInt("max_side", clip.vision().grid()), r.getInt("regions", 16), r.getInt("contexts", 8), r.getInt("phrases", 2),
        r.getDouble("uncertainty_threshold", 0.01), r.getDouble("audit", 0.25), r.getBool("region_head", true));
    r.finish();
    return c;
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = clip.toJson(mapper);
    o.putObject(KEY).put("hidden", hidden).put("shapley_hidden", shapleyHidden).put("min_side", minSide).put("max_side", maxSide)
        .put("regions", regions).put("contexts", contexts).put("phrases", phrases).put("uncertainty_threshold", uncertaintyThreshold)
        .put("audit", audit).put("region_head", regionHead);
    return o;
  }
}
