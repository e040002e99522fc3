package dev.vlt.models.indigo;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * INDIGO: the frozen CLIP in open_clip's {@code model_cfg} schema plus {@code indigo_cfg}: the trainable ViT's shape, the
 * classes its head predicts, and the domains (with their prompt templates) whose class × domain prompts the
 * multimodal token is classified against.
 *
 * @param width the trainable ViT's width (patch tokens, class token and the CLIP token alike)
 * @param depth its number of blocks
 * @param heads its attention heads
 * @param patchSize its patch side in pixels (the CLIP's image size)
 * @param classes the class names, in head order
 * @param domains the training domains' names
 * @param domainTemplates per domain, how a prompt names a picture of it ("{}" = the class name), e.g. "a sketch of {}"
 * @param prediction what {@link Indigo#classify} returns: "combined" (mean of both heads' probabilities), "class-token"
 *     or "text" (the multimodal token's probabilities summed over the training domains)
 * @param initFromClip whether the trainable ViT starts as a copy of the frozen CLIP's image tower (the paper starts it from
 *     a pretrained ViT; the CLIP's tower is the pretrained ViT a project without downloads has). It then has the tower's
 *     shape (width, blocks, heads, patch) and CLIP's {@code ln_pre} as timm's {@code norm_pre}.
 * @param tokenSkip whether the CLIP token's output adds the CLIP's own image embedding to its projection, the projection
 *     starting at zero: the CLIP-token head then starts as the frozen CLIP's zero-shot over the class × domain prompts and
 *     training learns a correction (a residual adapter, as CLIP-Adapter's; not in the paper, which has a DeiT-sized ViT and
 *     a CLIP trained on 400M pairs, where the token survives the ViT on its own)
 */
public record IndigoConfig(ClipConfig clip, int width, int depth, int heads, int patchSize, List<String> classes,
    List<String> domains, List<String> domainTemplates, String prediction, boolean initFromClip, boolean tokenSkip) implements ModelConfig {
  public static final String ARCH = "indigo";
  public static final String KEY = "indigo_cfg";
  public static final List<String> PREDICTIONS = List.of("combined", "class-token", "text");

  public IndigoConfig {
    classes = List.copyOf(classes);
    domains = List.copyOf(domains);
    domainTemplates = List.copyOf(domainTemplates);
    if (width <= 0 || depth <= 0) throw error(KEY + ".width", "and depth must be positive, got " + width + ", " + depth);
    if (heads <= 0 || width % heads != 0) throw error(KEY + ".heads", heads + " does not divide width " + width);
    if (patchSize <= 0 || clip.imageSize() % patchSize != 0) {
      throw error(KEY + ".patch_size", patchSize + " does not divide the image size " + clip.imageSize());
    }
    if (classes.size() < 2) throw error(KEY + ".classes", "needs at least two classes, got " + classes);
    if (classes.stream().distinct().count() != classes.size()) throw error(KEY + ".classes", "names a class twice: " + classes);
    if (domains.isEmpty()) throw error(KEY + ".domains", "needs at least one domain");
    if (domainTemplates.size() != domains.size()) {
      throw error(KEY + ".domain_templates", "needs one template per domain (" + domains.size() + "), got " + domainTemplates.size());
    }
    for (String t : domainTemplates) if (!t.contains("{}")) throw error(KEY + ".domain_templates", "'" + t + "' has no {} for the class");
    if (!PREDICTIONS.contains(prediction)) throw error(KEY + ".prediction", "must be one of " + PREDICTIONS + ", got '" + prediction + "'");
    if (initFromClip) {
      var v = clip.vision();
      if (width != v.width() || depth != v.layers() || heads != v.heads() || patchSize != v.patchSize()) {
        throw error(KEY + ".init_from_clip", "needs the CLIP image tower's shape (width " + v.width() + ", depth " + v.layers()
            + ", heads " + v.heads() + ", patch_size " + v.patchSize() + "), got width " + width + ", depth " + depth + ", heads "
            + heads + ", patch_size " + patchSize);
      }
      if (clip.quickGelu()) throw error(KEY + ".init_from_clip", "needs a GELU CLIP: the trainable ViT's blocks use exact GELU");
    }
  }

  /** A randomly initialised ViT of the given shape. */
  public IndigoConfig(ClipConfig clip, int width, int depth, int heads, int patchSize, List<String> classes,
      List<String> domains, List<String> domainTemplates, String prediction) {
    this(clip, width, depth, heads, patchSize, classes, domains, domainTemplates, prediction, false, false);
  }

  /**
   * The trainable ViT the quickstart uses over {@code clip}: a copy of the CLIP's image tower, fine-tuned ({@code
   * initFromClip}), as the paper's ViT is pretrained. {@code tokenSkip} stays off: on the held-out greyscale style (seed 0)
   * it moved INDIGO from 21.5 % to 22.1 %, within noise, and the frozen CLIP's zero-shot (26.6 %) stayed ahead.
   */
  public static IndigoConfig over(ClipConfig clip, List<String> classes, List<String> domains, List<String> templates) {
    var v = clip.vision();
    return new IndigoConfig(clip, v.width(), v.layers(), v.heads(), v.patchSize(), classes, domains, templates, "combined", true,
        false);
  }

  public IndigoConfig withPrediction(String p) {
    return new IndigoConfig(clip, width, depth, heads, patchSize, classes, domains, domainTemplates, p, initFromClip, tokenSkip);
  }

  /** The class × domain prompts, row {@code d * C + c} naming class c in domain d. */
  public List<String> prompts() {
    List<String> out = new ArrayList<>();
    for (String t : domainTemplates) for (String c : classes) out.add(t.replace("{}", c.toLowerCase(Locale.ROOT)));
    return out;
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public Indigo create() {
    return new Indigo(this);
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
    out.add(String.format(Locale.ROOT, "INDIGO: trainable ViT (width %d, %d blocks, %d heads, patch %d%s) with the frozen CLIP's "
        + "image embedding as an extra token; %d classes, %d training domains %s; prediction %s", width, depth, heads, patchSize,
        initFromClip ? ", started from the CLIP's image tower" : "",
        classes.size(), domains.size(), domains, prediction));
    out.addAll(clip.summary().stream().map(l -> "frozen " + l).toList());
    return out;
  }

  public static IndigoConfig fromJson(JsonNode modelCfg) {
    if (modelCfg == null || !modelCfg.isObject()) throw error("model_cfg", "must be an object");
    ObjectNode rest = ((ObjectNode) modelCfg).deepCopy();
    JsonNode node = rest.remove(KEY);
    if (node == null) throw error(KEY, "is missing: an INDIGO config names its ViT, classes and domains there");
    ClipConfig clip = ClipConfig.fromJson(rest);
    ConfigReader r = new ConfigReader(node, "model_cfg." + KEY);
    IndigoConfig c = new IndigoConfig(clip, r.requireInt("width"), r.requireInt("depth"), r.requireInt("heads"),
        r.requireInt("patch_size"), strings(r.getNode("classes"), "classes"), strings(r.getNode("domains"), "domains"),
        strings(r.getNode("domain_templates"), "domain_templates"), r.getString("prediction", "combined"),
        r.getBool("init_from_clip", false), r.getBool("token_skip", false));
    r.finish();
    return c;
  }

  private static List<String> strings(JsonNode n, String field) {
    if (n == null || !n.isArray()) throw error("model_cfg." + KEY + "." + field, "must be a list of strings");
    List<String> out = new ArrayList<>();
    for (JsonNode v : n) {
      if (!v.isTextual()) throw error("model_cfg." + KEY + "." + field, "must be a list of strings, got " + v);
      out.add(v.asText());
    }
    return out;
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = clip.toJson(mapper);
    ObjectNode p = o.putObject(KEY).put("width", width).put("depth", depth).put("heads", heads).put("patch_size", patchSize);
    ArrayNode cs = p.putArray("classes");
    classes.forEach(cs::add);
    ArrayNode ds = p.putArray("domains");
    domains.forEach(ds::add);
    ArrayNode ts = p.putArray("domain_templates");
    domainTemplates.forEach(ts::add);
    p.put("prediction", prediction);
    if (initFromClip) p.put("init_from_clip", true);
    if (tokenSkip) p.put("token_skip", true);
    return o;
  }
}
