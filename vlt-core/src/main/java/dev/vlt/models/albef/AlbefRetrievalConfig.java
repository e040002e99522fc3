package dev.vlt.models.albef;

import static dev.vlt.models.ConfigReader.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.ConfigReader;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.bert.BertConfig;
import dev.vlt.models.fusion.FusionConfig;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.List;

/**
 * ALBEF for image-text retrieval (contrastive + matching), in the schema of torchmultimodal's
 * {@code examples/albef/configs/retrieval.yaml}: hidden_size, vision_encoder_args, text_encoder_args,
 * multimodal_encoder_args, projection_args {in_features, out_features} and similarity_args {embed_size, queue_size, temp};
 * plus vlt's optional {@code momentum} (the EMA coefficient torchmultimodal fixes at 0.995).
 *
 * @param queueSize features of this many past samples are kept per modality; training batches must divide it
 * @param temp the initial contrastive temperature (learned)
 */
public record AlbefRetrievalConfig(
    int hiddenSize, VisionEncoderConfig vision, BertConfig text, FusionConfig fusion, int embedSize, int queueSize,
    double temp, double momentum) implements ModelConfig {
  /** The registry name of ALBEF for retrieval and matching. */
  public static final String ARCH = "albef";

  public AlbefRetrievalConfig {
    AlbefModel.checkWidths(vision, text, fusion);
    if (hiddenSize != fusion.hiddenSize()) {
      throw error("hidden_size", hiddenSize + " must equal multimodal_encoder_args.hidden_size " + fusion.hiddenSize());
    }
    if (embedSize <= 0) throw error("similarity_args.embed_size", "must be positive, got " + embedSize);
    if (queueSize <= 0) throw error("similarity_args.queue_size", "must be positive, got " + queueSize);
    if (!(temp > 0)) throw error("similarity_args.temp", "must be positive, got " + temp);
    if (!(momentum >= 0 && momentum <= 1)) throw error("momentum", "must be in [0, 1], got " + momentum);
  }

  public static AlbefRetrievalConfig fromJson(JsonNode json) {
    ConfigReader r = new ConfigReader(json, "config");
    int hidden = r.getInt("hidden_size", 768);
    VisionEncoderConfig vision = VisionEncoderConfig.read(r.child("vision_encoder_args"));
    BertConfig text = BertConfig.read(r.child("text_encoder_args"));
    FusionConfig fusion = FusionConfig.read(r.child("multimodal_encoder_args"));
    ConfigReader proj = r.child("projection_args");
    int in = proj.requireInt("in_features");
    int out = proj.requireInt("out_features");
    proj.finish();
    ConfigReader sim = r.child("similarity_args");
    int embed = sim.getInt("embed_size", 256);
    int queue = sim.getInt("queue_size", 65536);
    double temp = sim.getDouble("temp", 0.07);
    sim.unsupported("mask_token_id", -100);
    sim.finish();
    if (in != hidden) throw error("config.projection_args.in_features", in + " must equal hidden_size " + hidden);
    if (out != embed) throw error("config.projection_args.out_features", out + " must equal similarity_args.embed_size " + embed);
    double momentum = r.getDouble("momentum", AlbefModel.DEFAULT_MOMENTUM);
    r.finish();
    return new AlbefRetrievalConfig(hidden, vision, text, fusion, embed, queue, temp, momentum);
  }

  @Override
  public String arch() {
    return ARCH;
  }

  @Override
  public AlbefRetrieval create() {
    return new AlbefRetrieval(this);
  }

  @Override
  public int imageSize() {
    return vision.imageSize();
  }

  @Override
  public TokenizerSpec tokenizerSpec() {
    return AlbefModel.tokenizerSpec(text.embeddings());
  }

  @Override
  public List<String> summary() {
    return AlbefModel.summary("ALBEF for retrieval: contrastive features " + embedSize + "-d, queue " + queueSize
        + ", momentum " + momentum + ", matching head on the fused [CLS]", vision, text, fusion);
  }

  @Override
  public ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    o.put("hidden_size", hiddenSize);
    vision.write(o.putObject("vision_encoder_args"));
    text.write(o.putObject("text_encoder_args"));
    fusion.write(o.putObject("multimodal_encoder_args"));
    o.putObject("projection_args").put("in_features", hiddenSize).put("out_features", embedSize);
    o.putObject("similarity_args").put("embed_size", embedSize).put("queue_size", queueSize).put("temp", temp);
    if (momentum != AlbefModel.DEFAULT_MOMENTUM) o.put("momentum", momentum);
    return o;
  }
}
