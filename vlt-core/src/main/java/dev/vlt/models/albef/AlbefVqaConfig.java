package dev.vlt.models.albef;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.bert.BertConfig;
import dev.vlt.models.bert.BertEmbeddingsConfig;
import dev.vlt.models.bert.PredictionHeadConfig;
import dev.vlt.models.fusion.FusionConfig;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * ALBEF for visual question answering, in the schema of torchmultimodal's {@code examples/albef/configs/vqa.yaml}:
 * vision_encoder_args, text_encoder_args, multimodal_encoder_args (used for the question fusion and again for the answer
 * decoder), text_embeddings_args (the decoder's own embeddings) and prediction_head_args; plus vlt's optional
 * {@code momentum} and {@code answer_list}, the candidate answers inference ranks (torchmultimodal reads them from the
 * dataset's answer file; a vlt model folder carries them, so {@code vlt vqa} can answer).
 */
public record AlbefVqaConfig(
    VisionEncoderConfig vision, BertConfig text, FusionConfig fusion, BertEmbeddingsConfig answerEmbeddings,
    PredictionHeadConfig predictionHead, double momentum, List<String> answerList) implements ModelConfig {
  /** The registry name of ALBEF for visual question answering. */
  public static final String ARCH = "albef-vqa";

  public AlbefVqaConfig {
    answerList = List.copyOf(answerList);
    AlbefModel.checkWidths(vision, text, fusion);
    if (answerEmbeddings.hiddenSize() != fusion.hiddenSize() || predictionHead.hiddenSize() != fusion.hiddenSize()) {
      throw error("text_embeddings_args.hidden_size", answerEmbeddings.hiddenSize() + " and prediction_head_args.hidden_size "
          + predictionHead.hiddenSize() + " must equal multimodal_encoder_args.hidden_size " + fusion.hiddenSize());
    }
    if (answerEmbeddings.vocabSize() != predictionHead.vocabSize()) {
      throw error("prediction_head_args.vocab_size", predictionHead.vocabSize() + " must equal text_embeddings_args.vocab_size "
          + answerEmbeddings.vocabSize() + " (the decoder predicts the tokens it reads)");
    }
    if (!(momentum >= 0 && momentum <= 1)) throw error("momentum", "must be in [0, 1], got " + momentum);
  }

  public static AlbefVqaConfig fromJson(JsonNode json) {
    ConfigReader r = new ConfigReader(json, "config");
    AlbefVqaConfig c = new AlbefVqaConfig(
        VisionEncoderConfig.read(r.child("vision_encoder_args")),
        BertConfig.read(r.child("text_encoder_args")),
        FusionConfig.read(r.child("multimodal_encoder_args")),
        BertEmbeddingsConfig.read(r.child("text_embeddings_args")),
        PredictionHeadConfig.read(r.child("prediction_head_args")),
        r.getDouble("momentum", AlbefModel.DEFAULT_MOMENTUM),
        answers(r.getNode("answer_list")));
    r.finish();
    return c;
  }

  private static List<String> answers(JsonNode node) {
    if (node == null || node.isNull()) return List.of();
    if (!node.isArray()) throw error("answer_list", "must be an array of answer strings");
    List<String> out = new ArrayList<>();
    for (JsonNode a : node) {
      if (!a.isTextual() || a.asText().isBlank()) throw error("answer_list", "holds " + a + ", not a non-empty string");
      out.add(a.asText());
    }
    return out;
  }

  /** The same model with {@code answers} as its candidate list. */
  public AlbefVqaConfig withAnswerList(List<String> answers) {
    return new AlbefVqaConfig(vision, text, fusion, answerEmbeddings, predictionHead, momentum, answers);
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public AlbefVqa create() {
    return new AlbefVqa(this);
  }

  @Override
  public int imageSize() {
    return vision.imageSize();
  }

  @Override
  public TokenizerSpec tokenizerSpec() {
    TokenizerSpec question = AlbefModel.tokenizerSpec(text.embeddings());
    // one tokenizer writes questions and answers: its ids must fit both the encoder's and the decoder's vocabulary
    return new TokenizerSpec(question.contextLength(), Math.min(question.vocabSize(), answerEmbeddings.vocabSize()),
        question.hfTokenizerName(), question.lowercase());
  }

  @Override
  public List<String> summary() {
    return AlbefModel.summary("ALBEF for VQA: answer decoder of " + fusion.layers() + " layers, "
        + (answerList.isEmpty() ? "no candidate answers (answer_list) yet" : answerList.size() + " candidate answers"),
        vision, text, fusion);
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    vision.write(o.putObject("vision_encoder_args"));
    text.write(o.putObject("text_encoder_args"));
    fusion.write(o.putObject("multimodal_encoder_args"));
    answerEmbeddings.write(o.putObject("text_embeddings_args"));
    predictionHead.write(o.putObject("prediction_head_args"));
    if (momentum != AlbefModel.DEFAULT_MOMENTUM) o.put("momentum", momentum);
    if (!answerList.isEmpty()) answerList.forEach(o.putArray("answer_list")::add);
    return o;
  }
}
