package dev.vlt.models.msclip;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.Locale;
import dev.vlt.nn.Activation;
import dev.vlt.nn.pool.Pooling;
import java.util.ArrayList;
import java.util.List;

/**
 * An MS-CLIP model (You et al. 2022): one transformer of {@code layers} blocks read by image patches and text tokens, with
 * the {@link Sharing} deciding which blocks (and which of their sub-layers) both modalities use. In a model folder it is
 * {@code model_cfg = {"embed_dim", "msclip_cfg": {...}, "quick_gelu", "init_logit_scale"}}.
 *
 * @param earlySpecialization layer 0 becomes modality-specific: images enter through a convolution stem ({@link ConvStem},
 *     replacing the patch embedding and block 0) and text keeps its own block 0
 * @param parallelLayers vision blocks before which the {@link ParallelBranch} adds its stage k's features (k in list
 *     order); empty for no branch
 * @param pool the image pooling, one of {@link Pooling#TYPES}
 */
public record MsClipConfig(
    int embedDim, int imageSize, int patchSize, int contextLength, int vocabSize, int width, int heads, int layers,
    double mlpRatio, Sharing sharing, boolean earlySpecialization, List<Integer> parallelLayers, String pool,
    boolean quickGelu, double initLogitScale) implements ModelConfig {
  public static final String ARCH = "msclip";

  public MsClipConfig {
    parallelLayers = List.copyOf(parallelLayers);
    if (embedDim <= 0) throw error("embed_dim", "must be positive, got " + embedDim);
    if (imageSize <= 0 || patchSize <= 0 || imageSize % patchSize != 0) {
      throw error("msclip_cfg.image_size", imageSize + " must be a positive multiple of patch_size " + patchSize);
    }
    if (contextLength <= 0 || vocabSize <= 0) throw error("msclip_cfg.context_length", "and vocab_size must be positive");
    if (width <= 0 || heads <= 0 || width % heads != 0) throw error("msclip_cfg.heads", heads + " does not divide width " + width);
    if (layers < 1) throw error("msclip_cfg.layers", "must be at least 1, got " + layers);
    for (int l : sharing.layers()) {
      if (l < 0 || l >= layers) throw error("msclip_cfg.shared_layers", "has layer " + l + " outside 0.." + (layers - 1));
    }
    int firstVision = earlySpecialization ? 1 : 0;
    if (earlySpecialization) {
      if (layers < 2) throw error("msclip_cfg.layers", "must be at least 2 with early_specialization (block 0 becomes the stems)");
      if (sharing.layers().contains(0)) {
        throw error("msclip_cfg.shared_layers", "contains 0, but early_specialization makes layer 0 modality-specific");
      }
      if (Integer.bitCount(patchSize) != 1 || patchSize < 2) {
        throw error("msclip_cfg.patch_size", patchSize + " must be a power of two for the early-specialization conv stem");
      }
    }
    if (!parallelLayers.isEmpty()) {
      if (Integer.bitCount(patchSize) != 1 || 1 << parallelLayers.size() > patchSize) {
        throw error("msclip_cfg.parallel_layers", "has " + parallelLayers.size() + " stages; each halves the resolution, "
            + "so patch_size " + patchSize + " must be a power of two of at least 2^" + parallelLayers.size());
      }
      for (int i = 0; i < parallelLayers.size(); i++) {
        int l = parallelLayers.get(i);
        if (l < firstVision || l >= layers || i > 0 && l <= parallelLayers.get(i - 1)) {
          throw error("msclip_cfg.parallel_layers", parallelLayers + " must be ascending vision blocks in " + firstVision + ".." + (layers - 1));
        }
      }
    }
    if (!Pooling.TYPES.contains(pool)) throw error("msclip_cfg.pool_type", "must be one of " + Pooling.TYPES + ", got '" + pool + "'");
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public MsClip create() {
    return new MsClip(this);
  }

  @Override
  public TokenizerSpec tokenizerSpec() {
    return new TokenizerSpec(contextLength, vocabSize, null, false);
  }

  @Override
  public List<String> summary() {
    String what = (sharing.attention() ? "attention " : "") + (sharing.mlp() ? "MLP " : "") + (sharing.norms() ? "LayerNorms " : "");
    return List.of(
        "MS-CLIP, embed_dim " + embedDim + ", activation " + (quickGelu ? "QuickGELU" : "GELU (exact)"),
        String.format(Locale.ROOT, "transformer: %d layers, width %d, %d heads, mlp %.1fx; images %dx%d px in patches of %d, "
            + "pool %s; text context %d, vocab %d", layers, width, heads, mlpRatio, imageSize, imageSize, patchSize, pool,
            contextLength, vocabSize),
        "sharing: " + (sharing.layers().isEmpty() ? "none (two separate towers, as CLIP)"
            : "layers " + sharing.layers() + " share " + what.trim().replace(" ", ", ")),
        "modules: early specialization " + (earlySpecialization ? "yes" : "no")
            + ", parallel branch " + (parallelLayers.isEmpty() ? "no" : "into layers " + parallelLayers));
  }

  public Activation activation() {
    return quickGelu ? Activation.QUICK_GELU : Activation.GELU;
  }

  public int grid() {
    return imageSize / patchSize;
  }

  /** The first block the image tokens run through (1 when the conv stem has taken block 0's place). */
  public int firstVisionLayer() {
    return earlySpecialization ? 1 : 0;
  }

  /**
   * The fully-separate point of a CLIP config whose towers have equal width, heads, depth and MLP ratio: the MS-CLIP that
   * is that CLIP, parameter for parameter and key for key.
   */
  public static MsClipConfig separateFrom(ClipConfig c) {
    var v = c.vision();
    var t = c.text();
    if (v.width() != t.width() || v.heads() != t.heads() || v.layers() != t.layers() || v.mlpRatio() != t.mlpRatio()) {
      throw new IllegalArgumentException("only a CLIP whose towers have equal width, heads, layers and mlp_ratio maps onto one "
          + "MS-CLIP transformer; got vision " + v.width() + "/" + v.heads() + "/" + v.layers() + " and text "
          + t.width() + "/" + t.heads() + "/" + t.layers());
    }
    if (!t.pool().equals("argmax")) throw new IllegalArgumentException("MS-CLIP pools text at the end-of-text token; text_cfg.pool_type is " + t.pool());
    return new MsClipConfig(c.embedDim(), v.imageSize(), v.patchSize(), t.contextLength(), t.vocabSize(), v.width(), v.heads(),
        v.layers(), v.mlpRatio(), Sharing.NONE, false, List.of(), v.pool(), c.quickGelu(), c.initLogitScale());
  }

  /** The same model with another sharing, stems, branch or pooling: the points compared along the spectrum. */
  public MsClipConfig with(Sharing s, boolean early, List<Integer> parallel, String poolType) {
    return new MsClipConfig(embedDim, imageSize, patchSize, contextLength, vocabSize, width, heads, layers, mlpRatio, s, early,
        parallel, poolType, quickGelu, initLogitScale);
  }

  /**
   * Reads {@code model_cfg}. Defaults: MS-CLIP's own point — all layers shared (all but 0 with early specialization),
   * attention and MLP shared, LayerNorms not.
   */
  public static MsClipConfig fromJson(JsonNode modelCfg) {
    ConfigReader r = new ConfigReader(modelCfg, "model_cfg");
    int embedDim = r.requireInt("embed_dim");
    boolean quick = r.getBool("quick_gelu", false);
    double scale = r.getDouble("init_logit_scale", ClipConfig.DEFAULT_LOGIT_SCALE);
    ConfigReader m = r.child("msclip_cfg");
    r.finish();
    int layers = m.getInt("layers", 4);
    boolean early = m.getBool("early_specialization", false);
    List<Integer> shared = m.has("shared_layers") ? ints(m.getNode("shared_layers"), "msclip_cfg.shared_layers")
        : Sharing.range(early ? 1 : 0, layers);
    Sharing sharing = new Sharing(shared, m.getBool("share_attention", true), m.getBool("share_mlp", true),
        m.getBool("share_norms", false));
    MsClipConfig c = new MsClipConfig(embedDim, m.getInt("image_size", 32), m.getInt("patch_size", 8),
        m.getInt("context_length", 16), m.getInt("vocab_size", 1000), m.getInt("width", 64), m.getInt("heads", 4), layers,
        m.getDouble("mlp_ratio", 4.0), sharing, early,
        m.has("parallel_layers") ? ints(m.getNode("parallel_layers"), "msclip_cfg.parallel_layers") : List.of(),
        m.getString("pool_type", "tok"), quick, scale);
    m.finish();
    return c;
  }

  private static List<Integer> ints(JsonNode n, String field) {
    if (!n.isArray()) throw error(field, "must be a list of layer indices, got " + n);
    List<Integer> out = new ArrayList<>();
    for (JsonNode v : n) {
      if (!v.canConvertToInt() || !v.isIntegralNumber()) throw error(field, "must hold integers, got " + v);
      out.add(v.asInt());
    }
    return out;
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    o.put("embed_dim", embedDim);
    if (quickGelu) o.put("quick_gelu", true);
    if (initLogitScale != ClipConfig.DEFAULT_LOGIT_SCALE) o.put("init_logit_scale", initLogitScale);
    ObjectNode m = o.putObject("msclip_cfg");
    m.put("image_size", imageSize).put("patch_size", patchSize).put("context_length", contextLength)
        .put("vocab_size", vocabSize).put("width", width).put("heads", heads).put("layers", layers).put("mlp_ratio", mlpRatio);
    ArrayNode s = m.putArray("shared_layers");
    sharing.layers().forEach(s::add);
    m.put("share_attention", sharing.attention()).put("share_mlp", sharing.mlp()).put("share_norms", sharing.norms());
    m.put("early_specialization", earlySpecialization);
    ArrayNode p = m.putArray("parallel_layers");
    parallelLayers.forEach(p::add);
    m.put("pool_type", pool);
    return o;
  }
}
