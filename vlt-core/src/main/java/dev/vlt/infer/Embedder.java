package dev.vlt.infer;

import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.Raster8;
import dev.vlt.data.video.Video;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.onnx.OnnxExport;
import dev.vlt.onnx.OnnxTowers;
import dev.vlt.tensor.Engines;
import dev.vlt.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A model ready for use: its eval preprocessing, its tokenizer and batched, normalised embeddings of images and texts.
 * Every application (embed, classify, index, serve, eval) goes through this one path, for any architecture with the
 * embedding capabilities; a model without one says so when that embedding is asked for. Thread-safe for concurrent callers.
 */
public final class Embedder implements AutoCloseable {
  private final LoadedModel model;
  private final EvalTransform transform;
  private final ModelInputs inputs;
  private final OnnxTowers onnx;

  public Embedder(LoadedModel model, int batchSize) {
    this(model, batchSize, null);
  }

  private Embedder(LoadedModel model, int batchSize, OnnxTowers onnx) {
    this.model = model;
    this.transform = new EvalTransform(model.preprocess());
    this.inputs = new ModelInputs(transform, model::tokenizer, batchSize);  // the tokenizer is found when a text first needs it
    this.onnx = onnx;
  }

  /**
   * This model's embeddings run by {@code engine}: itself for DJL; for ONNX Runtime, a new embedder over the towers
   * exported from this model's weights (it takes over this one: close only the returned embedder).
   */
  public Embedder withEngine(Engine engine) {
    if (engine == Engine.DJL) return this;
    if (onnx != null) throw new IllegalStateException("this embedder already runs on ONNX Runtime");
    OnnxTowers towers = OnnxTowers.export(OnnxExport.clipOf(model), engine.quantization(), true, Engines.threads());
    return new Embedder(model, inputs.batchSize(), towers);
  }

  /** The engine its embeddings run on. */
  public Engine engine() {
    if (onnx == null) return Engine.DJL;
    for (Engine e : Engine.values()) if (e.quantization() != null && e.quantization().equals(onnx.quantization())) return e;
    throw new IllegalStateException("no engine for " + onnx.quantization());
  }

  /** Loads a model folder or registry name; {@code tokenizerOverride} (may be null) replaces the model's tokenizer. */
  public static Embedder open(String modelNameOrDir, Path tokenizerOverride) throws IOException {
    return new Embedder(Models.resolve(modelNameOrDir, tokenizerOverride), 32);
  }

  /** L2-normalised image embeddings [N][E], in input order. */
  public float[][] embedImages(List<Raster8> images) {
    if (onnx != null) return inputs.embedImages(onnx, images);
    return inputs.embedImages(model.require(Capability.IMAGE_EMBEDDING), images);
  }

  /** L2-normalised video embeddings [N][E], in input order; a model without video capability says so in one line. */
  public float[][] embedVideos(List<Video> videos) {
    return inputs.embedVideos(model.require(Capability.VIDEO_EMBEDDING), videos);
  }

  /**
   * L2-normalised embeddings [N][E] of images and videos mixed, in input order: images through the image encoder,
   * videos through the video encoder, each in batches. Asks for video capability only when there is a video.
   */
  public float[][] embedVisuals(List<Visual> visuals) {
    List<Raster8> images = new java.util.ArrayList<>();
    List<Video> videos = new java.util.ArrayList<>();
    for (Visual v : visuals) {
      if (v.video() != null) videos.add(v.video());
      else images.add(v.image());
    }
    float[][] vi = images.isEmpty() ? new float[0][] : embedImages(images);
    float[][] vv = videos.isEmpty() ? new float[0][] : embedVideos(videos);
    float[][] out = new float[visuals.size()][];
    int ii = 0, iv = 0;
    for (int k = 0; k < out.length; k++) out[k] = visuals.get(k).video() != null ? vv[iv++] : vi[ii++];
    return out;
  }

  /** An input a command embeds: an image or a video (exactly one is set). */
  public record Visual(Raster8 image, Video video) {
    public Visual {
      if ((image == null) == (video == null)) throw new IllegalArgumentException("a visual input is an image or a video");
    }
  }

  /** L2-normalised text embeddings [N][E], in input order. */
  public float[][] embedTexts(List<String> texts) {
    if (onnx != null) return inputs.embedTexts(onnx, texts);
    return inputs.embedTexts(model.require(Capability.TEXT_EMBEDDING), texts);
  }

  /** Class probabilities [N][C] from the model's classification head (its classes: {@code ImageClassifier.classNames}). */
  public float[][] classify(List<Raster8> images) {
    return inputs.classify(model.require(Capability.CLASSIFICATION), images);
  }

  /** exp(logit_scale): the model's learned inverse temperature for zero-shot logits. */
  public float logitScale() {
    return (float) Math.exp(model.require(Capability.IMAGE_TEXT_SIMILARITY).logitScale().value().getFloat());
  }

  /** The width of the embeddings. */
  public int embedDim() {
    return model.has(Capability.IMAGE_EMBEDDING) ? model.require(Capability.IMAGE_EMBEDDING).embedDim()
        : model.require(Capability.TEXT_EMBEDDING).embedDim();
  }

  public LoadedModel model() {
    return model;
  }

  public Tokenizer tokenizer() {
    return model.tokenizer();
  }

  public int imageSize() {
    return transform.imageSize();
  }

  @Override
  public void close() {
    if (onnx != null) onnx.close();
    model.close();
  }
}
