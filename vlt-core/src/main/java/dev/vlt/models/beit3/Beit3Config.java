package dev.vlt.models.beit3;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.meter.MeterConfig;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.List;
import java.util.Locale;

/**
 * BEiT-3 (Wang et al. 2023, "Image as a Foreign Language"): one Multiway transformer over image patches, text tokens or
 * both, with masked data modeling heads, ITC projections and a VQA classifier.
 *
 * @param imageSize {@code image_size} in pixels; @param patchSize {@code patch_size}
 * @param width {@code width} W of every token; @param layers {@code layers}; @param heads {@code heads}
 * @param mlpRatio {@code mlp_ratio}: each FFN expert's hidden width over W
 * @param vlLayers {@code vl_layers}: the top layers that have a vision-language expert (BEiT-3: the top 3 of 24 at
 *     base size, the top 3 of 40 at giant); 0 to {@code layers}
 * @param vocabSize {@code vocab_size} text ids; @param contextLength {@code context_length} text positions
 * @param padId {@code pad_token_id}
 * @param codebookSize {@code codebook_size}: visual tokens of the masked-image targets ({@link dev.vlt.nn.PatchCodebook})
 * @param embedDim {@code embed_dim} E of the contrastive embeddings
 * @param answers the VQA head's answer vocabulary
 * @param maskTokenId {@code mask_token_id}: the [MASK] id of masked language modeling, by default the vocabulary's last
 *     (which the tokenizer then never writes)
 */
public record Beit3Config(int imageSize, int patchSize, int width, int layers, int heads, double mlpRatio, int vlLayers,
    int vocabSize, int contextLength, int padId, int codebookSize, int embedDim, List<String> answers, int maskTokenId)
    implements ModelConfig {
  public static final String ARCH = "beit3";

  public Beit3Config {
    answers = List.copyOf(answers);
    if (imageSize <= 0 || patchSize <= 0 || imageSize % patchSize != 0) {
      throw error("image_size", imageSize + " is not a positive multiple of patch_size " + patchSize);
    }
    if (width <= 0) throw error("width", "must be positive, got " + width);
    if (layers <= 0) throw error("layers", "must be positive, got " + layers);
    if (heads <= 0 || width % heads != 0) throw error("heads", heads + " does not divide width " + width);
    if (!(mlpRatio > 0)) throw error("mlp_ratio", "must be positive, got " + mlpRatio);
    if (vlLayers < 0 || vlLayers > layers) throw error("vl_layers", vlLayers + " is not between 0 and layers " + layers);
    if (vocabSize < 2) throw error("vocab_size", "must be at least 2, got " + vocabSize);
    if (contextLength < 2) throw error("context_length", "must be at least 2, got " + contextLength);
    if (padId < 0 || padId >= vocabSize) throw error("pad_token_id", padId + " is not an id below vocab_size " + vocabSize);
    if (codebookSize < 2) throw error("codebook_size", "must be at least 2, got " + codebookSize);
    if (embedDim <= 0) throw error("embed_dim", "must be positive, got " + embedDim);
    MeterConfig.checkAnswers(answers);
    if (maskTokenId < 0 || maskTokenId >= vocabSize) throw error("mask_token_id", maskTokenId + " is not an id below vocab_size " + vocabSize);
    if (maskTokenId == padId) throw error("mask_token_id", "must differ from the padding id " + padId);
  }

  /** Patches per image side. */
  public int grid() {
    return imageSize / patchSize;
  }

  /** Patches per image. */
  public int patches() {
    return grid() * grid();
  }

  /** The first layer that has a vision-language expert (layers when none has). */
  public int firstVlLayer() {
    return layers - vlLayers;
  }

  public static Beit3Config fromJson(JsonNode json) {
    ConfigReader r = new ConfigReader(json, "model_cfg");
    int vocab = r.requireInt("vocab_size");
    Beit3Config c = new Beit3Config(r.requireInt("image_size"), r.requireInt("patch_size"), r.requireInt("width"),
        r.requireInt("layers"), r.requireInt("heads"), r.getDouble("mlp_ratio", 4.0), r.requireInt("vl_layers"), vocab,
        r.requireInt("context_length"), r.getInt("pad_token_id", 0), r.requireInt("codebook_size"), r.requireInt("embed_dim"),
        MeterConfig.readAnswers(r), r.getInt("mask_token_id", vocab - 1));
    r.finish();
    return c;
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode().put("image_size", imageSize).put("patch_size", patchSize).put("width", width)
        .put("layers", layers).put("heads", heads).put("mlp_ratio", mlpRatio).put("vl_layers", vlLayers)
        .put("vocab_size", vocabSize).put("context_length", contextLength).put("pad_token_id", padId)
        .put("codebook_size", codebookSize).put("embed_dim", embedDim);
    answers.forEach(o.putArray("answers")::add);
    if (maskTokenId != vocabSize - 1) o.put("mask_token_id", maskTokenId);
    return o;
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public Beit3 create() {
    return new Beit3(this);
  }

  /** A tokenizer trained for the model keeps below the [MASK] id when it is the vocabulary's last. */
  @Override
  public TokenizerSpec tokenizerSpec() {
    return new TokenizerSpec(contextLength, maskTokenId == vocabSize - 1 ? maskTokenId : vocabSize, null, false);
  }

  @Override
  public List<String> summary() {
    return List.of(
        String.format(Locale.ROOT, "BEiT-3: a Multiway transformer, width %d, %d layers, %d heads; self-attention shared, "
            + "FFN experts per layer: vision and language in all %d, vision-language in the top %d", width, layers, heads, layers,
            vlLayers),
        String.format(Locale.ROOT, "image: %dx%d px, patch %d (%d patches); masked-image targets: %d visual tokens (k-means "
            + "codebook of patch pixels)", imageSize, imageSize, patchSize, patches(), codebookSize),
        String.format(Locale.ROOT, "text: vocab %d, %d positions; heads: ITC projections to %d, VQA over %d answers, MLM",
            vocabSize, contextLength, embedDim, answers.size()));
  }
}
