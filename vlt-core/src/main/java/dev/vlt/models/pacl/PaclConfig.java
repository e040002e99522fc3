package dev.vlt.models.pacl;

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
 * PACL: a CLIP in open_clip's {@code model_cfg} schema plus {@code pacl_cfg}, the patch embedder's hidden width and,
 * once chosen on validation data, the relative cosine below which a pixel is background.
 *
 * @param hidden the width of the embedder's two-layer MLP branch
 * @param backgroundThreshold the patch-text cosine above the label's image mean ({@code Segmenter.relativeScores}) below which {@code vlt segment} calls a pixel background by default;
 *     −∞ when none has been chosen (every pixel gets its best label)
 */
public record PaclConfig(ClipConfig clip, int hidden, double backgroundThreshold) implements ModelConfig {
  public static final String ARCH = "pacl";
  public static final String KEY = "pacl_cfg";

  public PaclConfig {
    if (hidden <= 0) throw error(KEY + ".hidden", "must be positive, got " + hidden);
    if (Double.isNaN(backgroundThreshold)) throw error(KEY + ".background_threshold", "must be a number");
  }

  /** PACL over {@code clip} with the embedder's MLP twice the joint width and no background threshold yet. */
  public static PaclConfig over(ClipConfig clip) {
    return new PaclConfig(clip, 2 * clip.embedDim(), Double.NEGATIVE_INFINITY);
  }

  public PaclConfig withBackgroundThreshold(double t) {
    return new PaclConfig(clip, hidden, t);
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public Pacl create() {
    return new Pacl(this);
  }

  @Override
  public int imageSize() {
    return clip.imageSize();
  }

  @Override
  public TokenizerSpec tokenizerSpec() {
    return clip.tokenizerSpec();
  }

  @Override
  public List<String> summary() {
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "PACL: patch embedder (linear + MLP %d -> %d -> %d) on the patch tokens, compared with the text embedding%s",
        clip.vision().width(), hidden, clip.embedDim(),
        Double.isInfinite(backgroundThreshold) ? "" : String.format(Locale.ROOT, "; background below relative cosine %.3f", backgroundThreshold)));
    out.addAll(clip.summary());
    return out;
  }

  public static PaclConfig fromJson(JsonNode modelCfg) {
    if (modelCfg == null || !modelCfg.isObject()) throw error("model_cfg", "must be an object");
    ObjectNode rest = ((ObjectNode) modelCfg).deepCopy();
    JsonNode pacl = rest.remove(KEY);
    if (pacl == null) throw error(KEY, "is missing: a PACL config names its embedder there");
    ClipConfig clip = ClipConfig.fromJson(rest);
    ConfigReader r = new ConfigReader(pacl, "model_cfg." + KEY);
    PaclConfig c = new PaclConfig(clip, r.getInt("hidden", 2 * clip.embedDim()),
        r.has("background_threshold") ? r.getDouble("background_threshold", 0) : Double.NEGATIVE_INFINITY);
    r.finish();
    return c;
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = clip.toJson(mapper);
    ObjectNode p = o.putObject(KEY).put("hidden", hidden);
    if (!Double.isInfinite(backgroundThreshold)) p.put("background_threshold", backgroundThreshold);
    return o;
  }
}
