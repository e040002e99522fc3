package dev.vlt.models.albef;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.bert.BertConfig;
import dev.vlt.models.bert.BertEmbeddingsConfig;
import dev.vlt.models.bert.PredictionHeadConfig;
import dev.vlt.models.fusion.FusionConfig;

/**
 * ALBEF for visual question answering, in the schema of torchmultimodal's {@code examples/albef/configs/vqa.yaml}:
 * vision_encoder_args, text_encoder_args, multimodal_encoder_args (used for the question fusion and again for the answer
 * decoder), text_embeddings_args (the decoder's own embeddings) and prediction_head_args; plus vlt's optional
 * {@code momentum}.
 */
public record AlbefVqaConfig(
    VisionEncoderConfig vision, BertConfig text, FusionConfig fusion, BertEmbeddingsConfig answerEmbeddings,
    PredictionHeadConfig predictionHead, double momentum) {
  public AlbefVqaConfig {
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
        r.getDouble("momentum", AlbefModel.DEFAULT_MOMENTUM));
    r.finish();
    return c;
  }

  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    vision.write(o.putObject("vision_encoder_args"));
    text.write(o.putObject("text_encoder_args"));
    fusion.write(o.putObject("multimodal_encoder_args"));
    answerEmbeddings.write(o.putObject("text_embeddings_args"));
    predictionHead.write(o.putObject("prediction_head_args"));
    if (momentum != AlbefModel.DEFAULT_MOMENTUM) o.put("momentum", momentum);
    return o;
  }
}
