package dev.vlt.models.vlc;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.bert.BertEmbeddingsConfig;
import dev.vlt.models.mae.MaeConfig;
import dev.vlt.models.meter.MeterConfig;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.List;
import java.util.Locale;

/**
 * VLC (Gui et al. 2022, "Training Vision-Language Transformers from Captions"): one transformer over text tokens and image
 * patches, shaped as the encoder of an MAE so that an MAE checkpoint can start it, with that MAE's decoder shape for
 * masked image modeling.
 *
 * @param mae {@code mae_cfg}, MAE's keys: the encoder is VLC's single-stream transformer, the decoder reconstructs the
 *     dropped patches from the fused image tokens; {@code mask_ratio} is VLC's patch-drop ratio (0.6 in the paper) and
 *     {@code norm_pix_loss} whether the pixel targets are normalised per patch (VLC's are)
 * @param text {@code text_cfg}, BERT's input embeddings (torchmultimodal's keys); {@code hidden_size} must be the
 *     transformer's width
 * @param answers the VQA head's answer vocabulary
 * @param maskTokenId the id MLM puts in place of masked tokens: by default the vocabulary's last id, which the tokenizer
 *     then never writes
 */
public record VlcConfig(MaeConfig mae, BertEmbeddingsConfig text, List<String> answers, int maskTokenId) implements ModelConfig {
  public static final String ARCH = "vlc";

  public VlcConfig {
    answers = List.copyOf(answers);
    if (text.hiddenSize() != mae.width()) {
      throw error("text_cfg.hidden_size", text.hiddenSize() + " must equal mae_cfg.embed_dim " + mae.width()
          + ": text tokens and patches share one transformer");
    }
    MeterConfig.checkAnswers(answers);
    if (maskTokenId < 0 || maskTokenId >= text.vocabSize()) {
      throw error("mask_token_id", maskTokenId + " is not an id of the text vocabulary of " + text.vocabSize());
    }
    if (maskTokenId == text.padId()) throw error("mask_token_id", "must differ from the padding id " + text.padId());
  }

  /** The transformer's width W, shared by both modalities. */
  public int width() {
    return mae.width();
  }

  public static VlcConfig fromJson(JsonNode json) {
    ConfigReader r = new ConfigReader(json, "model_cfg");
    MaeConfig mae = MaeConfig.read(r.child("mae_cfg"));
    BertEmbeddingsConfig text = BertEmbeddingsConfig.read(r.child("text_cfg"));
    List<String> answers = MeterConfig.readAnswers(r);
    int mask = r.getInt("mask_token_id", text.vocabSize() - 1);
    r.finish();
    return new VlcConfig(mae, text, answers, mask);
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    mae.write(o.putObject("mae_cfg"));
    text.write(o.putObject("text_cfg"));
    answers.forEach(o.putArray("answers")::add);
    if (maskTokenId != text.vocabSize() - 1) o.put("mask_token_id", maskTokenId);
    return o;
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public Vlc create() {
    return new Vlc(this);
  }

  @Override
  public int imageSize() {
    return mae.imageSize();
  }

  /** BERT's positions bound the context; a tokenizer trained for the model keeps below the [MASK] id when it is the last. */
  @Override
  public TokenizerSpec tokenizerSpec() {
    int vocab = maskTokenId == text.vocabSize() - 1 ? maskTokenId : text.vocabSize();
    return new TokenizerSpec(text.maxPositions(), vocab, null, false);
  }

  @Override
  public List<String> summary() {
    return List.of(
        String.format(Locale.ROOT, "VLC: one transformer over text tokens and image patches, width %d, %d layers, %d heads "
            + "(an MAE encoder's shape)", mae.width(), mae.depth(), mae.heads()),
        String.format(Locale.ROOT, "image: %dx%d px, patch %d (%d patches), %.0f %% dropped in pretraining; MIM decoder width %d, "
            + "%d layers, %s targets", mae.imageSize(), mae.imageSize(), mae.patchSize(), mae.patches(), 100 * mae.maskRatio(),
            mae.decoderWidth(), mae.decoderDepth(), mae.normPixLoss() ? "per-patch normalised pixel" : "pixel"),
        String.format(Locale.ROOT, "text: BERT embeddings, vocab %d, %d positions; heads on the pooled first token: ITM, VQA "
            + "over %d answers; MLM on text tokens", text.vocabSize(), text.maxPositions(), answers.size()));
  }
}
