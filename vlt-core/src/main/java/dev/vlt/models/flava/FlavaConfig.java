package dev.vlt.models.flava;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.bert.BertEmbeddingsConfig;
import dev.vlt.models.meter.MeterConfig;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.List;
import java.util.Locale;

/**
 * FLAVA (Singh et al. 2022) in the keywords of torchmultimodal's {@code flava_model(...)} (snake_case, its defaults),
 * plus the pretraining heads' {@code image_vocab_size} and {@code head_layer_norm_eps} ({@code FLAVAPretrainingLoss}), an
 * optional {@code codebook} that turns images into masked-image-modeling targets, and what training adds to
 * torchmultimodal's keywords: {@code mask_token_id} (the [MASK] id of masked language modeling, by default the vocabulary's
 * last) and {@code answers} (a VQA head's answer vocabulary; absent: no VQA head). One hidden size serves the three
 * encoders and the heads, as in every released FLAVA.
 *
 * <p>The codebook is one of two kinds ({@link Codebook}): DALL-E's dVAE encoder ({@code DalleEncoder}'s keywords, the
 * visual tokenizer FLAVA was released with; the parity fixture's) or {@code {"type": "kmeans"}}, {@link
 * dev.vlt.nn.PatchCodebook}: k-means over the patches' pixels, fitted by the training run on its first batch. The second is
 * the declared substitute a model trained from scratch here uses, since no trained dVAE is available offline and a
 * randomly initialised one gives only a few distinct targets.
 */
public record FlavaConfig(int imageSize, int patchSize, int numChannels, EncoderConfig image, EncoderConfig text,
    EncoderConfig multimodal, int vocabSize, int padId, int typeVocabSize, int maxPositions, int projSize,
    int imageVocabSize, double headLayerNormEps, Codebook codebook, int maskTokenId, List<String> answers)
    implements ModelConfig {
  public static final String ARCH = "flava";

  public FlavaConfig {
    if (imageSize <= 0 || patchSize <= 0 || imageSize % patchSize != 0) {
      throw error("image_size", imageSize + " is not a positive multiple of patch_size " + patchSize);
    }
    if (image.hidden() != text.hidden() || text.hidden() != multimodal.hidden()) {
      throw error("multimodal_hidden_size", "image, text and multimodal hidden sizes must be equal (one head size), got "
          + image.hidden() + ", " + text.hidden() + ", " + multimodal.hidden());
    }
    if (projSize <= 0) throw error("text_and_image_proj_size", "must be positive, got " + projSize);
    if (imageVocabSize <= 1) throw error("image_vocab_size", "must be at least 2, got " + imageVocabSize);
    if (codebook instanceof CodebookConfig d && d.vocabSize() != imageVocabSize) {
      throw error("codebook.vocab_size", d.vocabSize() + " differs from image_vocab_size " + imageVocabSize);
    }
    if (maskTokenId < 0 || maskTokenId >= vocabSize) {
      throw error("mask_token_id", maskTokenId + " is not an id below vocab_size " + vocabSize);
    }
    if (maskTokenId == padId) throw error("mask_token_id", "must differ from the padding id " + padId);
    answers = List.copyOf(answers);
    if (!answers.isEmpty()) MeterConfig.checkAnswers(answers);
    textEmbeddings(vocabSize, text.hidden(), maxPositions, typeVocabSize, padId, text.layerNormEps());
  }

  /** The visual tokenizer ({@code image_codebook}): a choice that changes the module tree. */
  public sealed interface Codebook permits CodebookConfig, KMeansCodebook {}

  /**
   * k-means over patch pixels ({@link dev.vlt.nn.PatchCodebook}, one buffer {@code image_codebook.codebook}
   * [image_vocab_size, patch_size²·num_channels]): one target per patch, fitted by the training run.
   */
  public record KMeansCodebook() implements Codebook {
    static final String TYPE = "kmeans";
  }

  /**
   * DALL-E's encoder as a visual tokenizer (torchmultimodal's {@code DalleEncoder}): {@code groupCount} groups of
   * {@code blocksPerGroup} residual blocks, widths hidden·2^g, max-pooled by 2 after each group but the last.
   */
  public record CodebookConfig(int groupCount, int hidden, int blocksPerGroup, int inputChannels, int vocabSize)
      implements Codebook {
    static final String TYPE = "dalle";

    public CodebookConfig {
      if (groupCount < 1 || hidden < 1 || blocksPerGroup < 1 || inputChannels < 1 || vocabSize < 2) {
        throw error("codebook", "group_count, n_hid, n_blk_per_group, input_channels must be positive and vocab_size ≥ 2");
      }
    }

    /** Pixels per target token along a side: 2^(groups − 1). */
    public int downsample() {
      return 1 << (groupCount - 1);
    }
  }

  private static BertEmbeddingsConfig textEmbeddings(int vocab, int hidden, int maxPositions, int typeVocab, int pad, double eps) {
    return new BertEmbeddingsConfig(vocab, hidden, maxPositions, typeVocab, pad, eps);
  }

  public BertEmbeddingsConfig textEmbeddings() {
    return textEmbeddings(vocabSize, text.hidden(), maxPositions, typeVocabSize, padId, text.layerNormEps());
  }

  public int grid() {
    return imageSize / patchSize;
  }

  public int patches() {
    return grid() * grid();
  }

  public int hidden() {
    return multimodal.hidden();
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public Flava create() {
    return new Flava(this);
  }

  /** True when the model has a VQA head ({@code answers} given). */
  public boolean answersQuestions() {
    return !answers.isEmpty();
  }

  /** A tokenizer trained for the model keeps below the [MASK] id when it is the vocabulary's last. */
  @Override
  public TokenizerSpec tokenizerSpec() {
    return new TokenizerSpec(maxPositions, maskTokenId == vocabSize - 1 ? maskTokenId : vocabSize, null, true);
  }

  @Override
  public List<String> summary() {
    return List.of(
        String.format(Locale.ROOT, "FLAVA, hidden %d, projections %d, image vocabulary %d%s%s", hidden(), projSize, imageVocabSize,
            codebookSummary(), answers.isEmpty() ? "" : ", VQA head over " + answers.size() + " answers"),
        String.format(Locale.ROOT, "image: ViT %dx%d px, patch %d, %d layers, %d heads, MLP %d, mask token", imageSize, imageSize,
            patchSize, image.layers(), image.heads(), image.intermediate()),
        String.format(Locale.ROOT, "text: BERT embeddings, vocab %d, %d positions, %d layers, %d heads, MLP %d", vocabSize,
            maxPositions, text.layers(), text.heads(), text.intermediate()),
        String.format(Locale.ROOT, "multimodal: %d layers over [cls, image, text], %d heads, MLP %d", multimodal.layers(),
            multimodal.heads(), multimodal.intermediate()));
  }

  private String codebookSummary() {
    if (codebook instanceof CodebookConfig d) return " (DALL-E-style codebook, " + d.groupCount() + " groups, n_hid " + d.hidden() + ")";
    return codebook instanceof KMeansCodebook ? " (k-means codebook of " + patchSize + "-px patches)" : "";
  }

  public static FlavaConfig fromJson(JsonNode modelCfg) {
    return read(new ConfigReader(modelCfg, "model_cfg"));
  }

  public static FlavaConfig read(ConfigReader r) {
    r.unsupported("use_image_masking", true);
    int imageSize = r.getInt("image_size", 224);
    int patchSize = r.getInt("patch_size", 16);
    int channels = r.getInt("num_channels", 3);
    EncoderConfig image = encoder(r, "image", 6);
    EncoderConfig text = encoder(r, "text", 12);
    EncoderConfig mm = encoder(r, "multimodal", 6);
    int vocab = r.getInt("vocab_size", 30522);
    int pad = r.getInt("pad_token_id", 0);
    int typeVocab = r.getInt("type_vocab_size", 2);
    int maxPositions = r.getInt("max_position_embeddings", 512);
    int proj = r.getInt("text_and_image_proj_size", 768);
    int imageVocab = r.getInt("image_vocab_size", 8192);
    double headEps = r.getDouble("head_layer_norm_eps", 1e-5);
    Codebook codebook = null;
    if (r.has("codebook")) {
      ConfigReader c = r.child("codebook");
      String type = c.getString("type", CodebookConfig.TYPE);
      codebook = switch (type) {
        case KMeansCodebook.TYPE -> new KMeansCodebook();
        case CodebookConfig.TYPE -> new CodebookConfig(c.getInt("group_count", 4), c.getInt("n_hid", 256),
            c.getInt("n_blk_per_group", 2), c.getInt("input_channels", 3), c.getInt("vocab_size", 8192));
        default -> throw error("codebook.type", "'" + type + "' is not a codebook: dalle (DALL-E's dVAE encoder) or kmeans "
            + "(k-means over patch pixels)");
      };
      c.finish();
    }
    int maskId = r.getInt("mask_token_id", vocab - 1);
    List<String> answers = r.has("answers") ? MeterConfig.readAnswers(r) : List.of();
    r.finish();
    return new FlavaConfig(imageSize, patchSize, channels, image, text, mm, vocab, pad, typeVocab, maxPositions, proj,
        imageVocab, headEps, codebook, maskId, answers);
  }

  private static EncoderConfig encoder(ConfigReader r, String p, int layers) {
    return new EncoderConfig(p, r.getInt(p + "_hidden_size", 768), r.getInt(p + "_num_attention_heads", 12),
        r.getInt(p + "_num_hidden_layers", layers), r.getInt(p + "_intermediate_size", 3072),
        r.getDouble(p + "_layer_norm_eps", 1e-12));
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    o.put("image_size", imageSize).put("patch_size", patchSize).put("num_channels", numChannels);
    for (EncoderConfig e : List.of(image, text, multimodal)) {
      o.put(e.prefix() + "_hidden_size", e.hidden()).put(e.prefix() + "_num_attention_heads", e.heads())
          .put(e.prefix() + "_num_hidden_layers", e.layers()).put(e.prefix() + "_intermediate_size", e.intermediate())
          .put(e.prefix() + "_layer_norm_eps", e.layerNormEps());
    }
    o.put("vocab_size", vocabSize).put("pad_token_id", padId).put("type_vocab_size", typeVocabSize)
        .put("max_position_embeddings", maxPositions).put("text_and_image_proj_size", projSize)
        .put("image_vocab_size", imageVocabSize).put("head_layer_norm_eps", headLayerNormEps);
    if (codebook instanceof CodebookConfig d) {                                     // DalleEncoder's keywords, as the fixture
      o.putObject("codebook").put("group_count", d.groupCount()).put("n_hid", d.hidden())
          .put("n_blk_per_group", d.blocksPerGroup()).put("input_channels", d.inputChannels()).put("vocab_size", d.vocabSize());
    } else if (codebook instanceof KMeansCodebook) {
      o.putObject("codebook").put("type", KMeansCodebook.TYPE);
    }
    if (maskTokenId != vocabSize - 1) o.put("mask_token_id", maskTokenId);
    if (!answers.isEmpty()) answers.forEach(o.putArray("answers")::add);
    return o;
  }
}
