package dev.vlt.models.meter;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.fusion.FusionConfig;
import dev.vlt.models.vit.VitConfig;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * METER (Dou et al. 2022, "An Empirical Study of Training End-to-End Vision-and-Language Transformers"): an image tower
 * ({@code vision_cfg}, timm's ViT keys, class token kept, no classifier), a text tower ({@code text_cfg}, BERT or CLIP's
 * text transformer, see {@link TextTowerConfig}), a fusion module of one of three kinds ({@code fusion}: merged,
 * co-attention or cross-attention) sized by {@code fusion_cfg} (torchmultimodal's multimodal encoder keys), and heads
 * over the pooled text and image [CLS]: matching (ITM), answer classification over {@code answers} (VQA) and masked
 * language modeling.
 *
 * @param maskTokenId the id that replaces masked text tokens (MLM): by default the last id of the text vocabulary, which
 *     the tokenizer then never produces
 * @param mfr whether the model has visual parsing's Masked Feature Regression head {@code mfr_score} ({@code "mfr": true};
 *     default false, so folders without it load unchanged)
 */
public record MeterConfig(VitConfig vision, TextTowerConfig text, Fusion.Kind fusion, FusionConfig fusionCfg,
    List<String> answers, int maskTokenId, boolean mfr) implements ModelConfig {
  public static final String ARCH = "meter";

  public MeterConfig {
    answers = List.copyOf(answers);
    if (vision.numClasses() != 0) throw error("vision_cfg.num_classes", "must be 0: METER reads the image tokens, got " + vision.numClasses());
    if (!vision.classToken() || !vision.globalPool().equals("token")) {
      throw error("vision_cfg.global_pool", "must be 'token' with class_token true: METER pools the image [CLS]");
    }
    checkAnswers(answers);
    if (maskTokenId < 0 || maskTokenId >= text.vocabSize()) {
      throw error("mask_token_id", maskTokenId + " is not an id of the text vocabulary of " + text.vocabSize());
    }
    if (maskTokenId == text.padId()) throw error("mask_token_id", "must differ from the padding id " + text.padId());
    if (mfr && fusion == Fusion.Kind.CROSS_ATTENTION) {
      throw error("mfr", "needs a fusion that updates the image tokens (merged or co-attention); cross-attention only reads them");
    }
  }

  public int hiddenSize() {
    return fusionCfg.hiddenSize();
  }

  public static MeterConfig fromJson(JsonNode json) {
    ConfigReader r = new ConfigReader(json, "model_cfg");
    VitConfig vision = VitConfig.read(r.child("vision_cfg"));
    TextTowerConfig text = TextTowerConfig.read(r.child("text_cfg"));
    Fusion.Kind kind = Fusion.Kind.parse(r.getString("fusion", Fusion.Kind.CO_ATTENTION.word()));
    FusionConfig fusion = FusionConfig.read(r.child("fusion_cfg"));
    List<String> answers = readAnswers(r);
    int mask = r.getInt("mask_token_id", text.vocabSize() - 1);
    boolean mfr = r.getBool("mfr", false);
    r.finish();
    return new MeterConfig(vision, text, kind, fusion, answers, mask, mfr);
  }

  /** A VQA head's answer vocabulary, {@code "answers"}: an array of non-empty strings (VLC reads the same key). */
  public static List<String> readAnswers(ConfigReader r) {
    List<String> answers = new ArrayList<>();
    JsonNode a = r.getNode("answers");
    if (a == null || !a.isArray()) throw error("model_cfg.answers", "must be an array of answer strings");
    for (JsonNode n : a) {
      if (!n.isTextual() || n.asText().isBlank()) throw error("model_cfg.answers", "holds " + n + ", not a non-empty string");
      answers.add(n.asText());
    }
    return answers;
  }

  /** The checks every answer vocabulary passes: not empty, no answer twice. */
  public static void checkAnswers(List<String> answers) {
    if (answers.isEmpty()) throw error("answers", "must list the answer vocabulary of the VQA head");
    if (new HashSet<>(answers).size() != answers.size()) throw error("answers", "lists an answer twice");
  }

  /** The same model with another fusion kind (an experiment's arm). */
  public MeterConfig withFusion(Fusion.Kind kind) {
    return new MeterConfig(vision, text, kind, fusionCfg, answers, maskTokenId, mfr);
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public Meter create() {
    return new Meter(this);
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    vision.write(o.putObject("vision_cfg"));
    text.write(o.putObject("text_cfg"));
    o.put("fusion", fusion.word());
    fusionCfg.write(o.putObject("fusion_cfg"));
    answers.forEach(o.putArray("answers")::add);
    if (maskTokenId != text.vocabSize() - 1) o.put("mask_token_id", maskTokenId);
    if (mfr) o.put("mfr", true);
    return o;
  }

  @Override
  public int imageSize() {
    return vision.imageSize();
  }

  /** The tower's context; a tokenizer trained for it keeps below {@link #maskTokenId} when that is the last id. */
  @Override
  public TokenizerSpec tokenizerSpec() {
    int vocab = maskTokenId == text.vocabSize() - 1 ? maskTokenId : text.vocabSize();
    return new TokenizerSpec(text.contextLength(), vocab, null, false);
  }

  @Override
  public List<String> summary() {
    return List.of(
        String.format(Locale.ROOT, "METER, %s fusion: %d layers, width %d, %d heads, FFN %d; heads over [text CLS; image CLS] (%d): "
            + "ITM, VQA over %d answers, MLM", fusion.word(), fusionCfg.layers(), hiddenSize(), fusionCfg.heads(),
            fusionCfg.intermediateSize(), 2 * hiddenSize(), answers.size()),
        String.format(Locale.ROOT, "vision: ViT %dx%d px, patch %d, width %d, %d layers, %d heads", vision.imageSize(),
            vision.imageSize(), vision.patchSize(), vision.width(), vision.depth(), vision.heads()),
        text.describe());
  }
}
