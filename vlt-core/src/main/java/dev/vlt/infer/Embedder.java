package dev.vlt.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.Raster8;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.tensor.NoGrad;
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
  private final int batchSize;

  public Embedder(LoadedModel model, int batchSize) {
    this.model = model;
    this.transform = new EvalTransform(model.preprocess());
    this.batchSize = batchSize;
  }

  /** Loads a model folder or registry name; {@code tokenizerOverride} (may be null) replaces the model's tokenizer. */
  public static Embedder open(String modelNameOrDir, Path tokenizerOverride) throws IOException {
    return new Embedder(Models.resolve(modelNameOrDir, tokenizerOverride), 32);
  }

  /** L2-normalised image embeddings [N][E], in input order. */
  public float[][] embedImages(List<Raster8> images) {
    var encoder = model.require(Capability.IMAGE_EMBEDDING);
    int s = transform.imageSize();
    int per = 3 * s * s;
    float[][] out = new float[images.size()][];
    for (int from = 0; from < images.size(); from += batchSize) {
      int n = Math.min(batchSize, images.size() - from);
      float[] pixels = new float[n * per];
      for (int i = 0; i < n; i++) transform.applyInto(images.get(from + i), pixels, i * per, null);
      try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope(); NoGrad ng = NoGrad.open()) {
        NDArray batch = m.create(pixels, new Shape(n, 3, s, s));
        copyRows(encoder.encodeImage(batch, true), out, from);
      }
    }
    return out;
  }

  /** L2-normalised text embeddings [N][E], in input order. */
  public float[][] embedTexts(List<String> texts) {
    var encoder = model.require(Capability.TEXT_EMBEDDING);
    Tokenizer tokenizer = model.tokenizer();
    float[][] out = new float[texts.size()][];
    for (int from = 0; from < texts.size(); from += batchSize) {
      List<String> chunk = texts.subList(from, Math.min(texts.size(), from + batchSize));
      long[][] ids = tokenizer.tokenize(chunk);
      try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope(); NoGrad ng = NoGrad.open()) {
        copyRows(encoder.encodeText(m.create(ids), true), out, from);
      }
    }
    return out;
  }

  private static void copyRows(NDArray features, float[][] out, int from) {
    int n = (int) features.getShape().get(0);
    int d = (int) features.getShape().get(1);
    float[] flat = features.toFloatArray();
    for (int i = 0; i < n; i++) out[from + i] = java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d);
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
    model.close();
  }
}
