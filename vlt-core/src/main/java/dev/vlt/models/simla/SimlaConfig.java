package dev.vlt.models.simla;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.albef.AlbefRetrievalConfig;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SimLA (Khan et al. 2022, "Single-Stream Multi-Level Alignment for Vision-Language Pretraining"): ALBEF's encoders,
 * contrastive projections, queue and matching head ({@code albef}, in ALBEF-for-retrieval's schema), plus what SimLA adds
 * on top of them.
 *
 * @param maskTokenId the id that replaces masked text tokens; by default the text vocabulary's last id, kept out of the
 *     tokenizer (as METER does)
 * @param xmmMaskRatio the fraction of image patches hidden for cross-modal masked image modeling
 * @param pslKeywords how many caption positions become the keyword target of pseudo-keyword prediction (SimLA: 5)
 * @param pslPerHead how many positions each head of the last fusion layer votes for with its [CLS] attention (SimLA: 4)
 * @param gradcamLayer the fusion layer whose text→image cross-attention Grad-CAM reads for grounding (0-based)
 * @param boxMinPatches smallest side, in patches, of the box proposals ({@code PatchBoxes}); @param boxMaxPatches largest
 * @param boxLevel the heat-map level above which patches pull the box over them, as a fraction of the map's range
 */
public record SimlaConfig(AlbefRetrievalConfig albef, int maskTokenId, double xmmMaskRatio, int pslKeywords, int pslPerHead,
    int gradcamLayer, int boxMinPatches, int boxMaxPatches, double boxLevel) implements ModelConfig {
  /** The registry name. */
  public static final String ARCH = "simla";

  public SimlaConfig {
    int vocab = albef.text().embeddings().vocabSize();
    if (maskTokenId < 0 || maskTokenId >= vocab) throw error("mask_token_id", maskTokenId + " is not an id of the vocabulary of " + vocab);
    if (maskTokenId == albef.text().embeddings().padId()) throw error("mask_token_id", "must differ from the padding id");
    if (!(xmmMaskRatio > 0 && xmmMaskRatio < 1)) throw error("xmm_mask_ratio", "must be in (0, 1), got " + xmmMaskRatio);
    if (pslKeywords < 1) throw error("psl_keywords", "must be positive, got " + pslKeywords);
    if (pslPerHead < 1) throw error("psl_per_head", "must be positive, got " + pslPerHead);
    if (gradcamLayer < 0 || gradcamLayer >= albef.fusion().layers()) {
      throw error("gradcam_layer", gradcamLayer + " is not a layer of the " + albef.fusion().layers() + "-layer fusion");
    }
    int grid = albef.vision().grid();
    if (boxMinPatches < 1 || boxMaxPatches < boxMinPatches || boxMaxPatches > grid) {
      throw error("box_min_patches", "need 1 <= box_min_patches <= box_max_patches <= " + grid + " (the patch grid), got "
          + boxMinPatches + ".." + boxMaxPatches);
    }
    if (!(boxLevel >= 0 && boxLevel < 1)) throw error("box_level", "must be in [0, 1), got " + boxLevel);
  }

  public static SimlaConfig fromJson(JsonNode json) {
    ConfigReader r = new ConfigReader(json, "config");
    if (!r.has("albef")) throw error("config.albef", "is required (ALBEF-for-retrieval's model_cfg)");
    AlbefRetrievalConfig albef = AlbefRetrievalConfig.fromJson(r.getNode("albef"));
    int vocab = albef.text().embeddings().vocabSize();
    int fusionLayers = albef.fusion().layers();
    SimlaConfig c = new SimlaConfig(albef, r.getInt("mask_token_id", vocab - 1), r.getDouble("xmm_mask_ratio", 0.5),
        r.getInt("psl_keywords", 5), r.getInt("psl_per_head", 4), r.getInt("gradcam_layer", fusionLayers - 1),
        r.getInt("box_min_patches", 1), r.getInt("box_max_patches", albef.vision().grid()), r.getDouble("box_level", 0.5));
    r.finish();
    return c;
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public Simla create() {
    return new Simla(this);
  }

  @Override
  public int imageSize() {
    return albef.imageSize();
  }

  public int hiddenSize() {
    return albef.hiddenSize();
  }

  public int vocabSize() {
    return albef.text().embeddings().vocabSize();
  }

  public int padId() {
    return albef.text().embeddings().padId();
  }

  /** ALBEF's tokenizer, with the last id left to [MASK] when that is where the mask token is. */
  @Override
  public TokenizerSpec tokenizerSpec() {
    TokenizerSpec base = albef.tokenizerSpec();
    int vocab = maskTokenId == vocabSize() - 1 && base.hfTokenizerName() == null ? maskTokenId : base.vocabSize();
    return new TokenizerSpec(base.contextLength(), vocab, base.hfTokenizerName(), base.lowercase());
  }

  @Override
  public List<String> summary() {
    List<String> out = new ArrayList<>();
    out.add("SimLA: ALBEF's towers, queue and matching head, with one fusion encoder used both ways");
    out.addAll(albef.summary().subList(1, albef.summary().size()));
    out.add(String.format(Locale.ROOT, "XMM: masked language modeling (text attends to the image) and pixel regression of %.0f %% "
        + "hidden patches (the image attends to the text, same fusion weights)", 100 * xmmMaskRatio));
    out.add(String.format(Locale.ROOT, "PSL: %d keywords from the momentum fusion's last-layer [CLS] attention (%d per head), "
        + "predicted from the image's contrastive feature", pslKeywords, pslPerHead));
    out.add(String.format(Locale.ROOT, "grounding: Grad-CAM of the ITM score over fusion layer %d's cross-attention, patch-grid "
        + "boxes of %d-%d patches per side", gradcamLayer, boxMinPatches, boxMaxPatches));
    return out;
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    o.set("albef", albef.toJson(mapper));
    o.put("mask_token_id", maskTokenId).put("xmm_mask_ratio", xmmMaskRatio).put("psl_keywords", pslKeywords)
        .put("psl_per_head", pslPerHead).put("gradcam_layer", gradcamLayer).put("box_min_patches", boxMinPatches)
        .put("box_max_patches", boxMaxPatches).put("box_level", boxLevel);
    return o;
  }
}
