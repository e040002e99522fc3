package dev.vlt.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.image.ImageTransform;
import dev.vlt.data.image.Raster8;
import dev.vlt.onnx.OnnxTowers;
import dev.vlt.data.video.Video;
import dev.vlt.models.ImageEmbedding;
import dev.vlt.models.ImageTextMatching;
import dev.vlt.models.QuestionAnswering;
import dev.vlt.models.TextEmbedding;
import dev.vlt.models.VideoEmbedding;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * A model's eval inputs — images through its preprocessing, texts through its tokenizer — and batched, normalised
 * embeddings from any model with the embedding capabilities. The one batching loop behind {@link Embedder}, the
 * evaluations during training and the experiments' analysis.
 */
public final class ModelInputs {
  private final ImageTransform transform;
  private final Supplier<Tokenizer> tokenizer;
  private final int batchSize;

  public ModelInputs(ImageTransform transform, Tokenizer tokenizer, int batchSize) {
    this(transform, () -> tokenizer, batchSize);
  }

  /** @param tokenizer asked for the tokenizer when a text is first tokenized (embedding images never needs one) */
  public ModelInputs(ImageTransform transform, Supplier<Tokenizer> tokenizer, int batchSize) {
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    this.transform = transform;
    this.tokenizer = tokenizer;
    this.batchSize = batchSize;
  }

  /** images → normalised pixels [N, 3, S, S] in {@code manager}. */
  public NDArray pixels(NDManager manager, List<Raster8> images) {
    int s = transform.imageSize();
    int per = 3 * s * s;
    float[] pixels = new float[images.size() * per];
    for (int i = 0; i < images.size(); i++) transform.applyInto(images.get(i), pixels, i * per, null);
    return manager.create(pixels, new Shape(images.size(), 3, s, s));
  }

  /**
   * videos → normalised pixels [N, 3, T, S, S] in {@code manager}: each video sampled uniformly to {@code frames} frames,
   * each frame preprocessed exactly as an image.
   */
  public NDArray clipPixels(NDManager manager, List<Video> videos, int frames) {
    int s = transform.imageSize();
    int plane = s * s, per = 3 * frames * plane;
    float[] pixels = new float[videos.size() * per];
    float[] frame = new float[3 * plane];
    for (int i = 0; i < videos.size(); i++) {
      List<Raster8> picked = videos.get(i).uniform(frames);
      for (int t = 0; t < frames; t++) {
        transform.applyInto(picked.get(t), frame, 0, null);
        for (int c = 0; c < 3; c++) System.arraycopy(frame, c * plane, pixels, i * per + (c * frames + t) * plane, plane);
      }
    }
    return manager.create(pixels, new Shape(videos.size(), 3, frames, s, s));
  }

  /** L2-normalised video embeddings [N][E], in input order. */
  public float[][] embedVideos(VideoEmbedding model, List<Video> videos) {
    float[][] out = new float[videos.size()][];
    for (int from = 0; from < videos.size(); from += batchSize) {
      List<Video> chunk = videos.subList(from, Math.min(videos.size(), from + batchSize));
      try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope(); NoGrad ng = NoGrad.open()) {
        copyRows(model.encodeVideo(clipPixels(m, chunk, model.frames()), true), out, from);
      }
    }
    return out;
  }

  /** texts → token ids [N, context] in {@code manager}. */
  public NDArray ids(NDManager manager, List<String> texts) {
    return manager.create(tokenizer.get().tokenize(texts));
  }

  /** L2-normalised image embeddings [N][E], in input order. */
  public float[][] embedImages(ImageEmbedding model, List<Raster8> images) {
    float[][] out = new float[images.size()][];
    for (int from = 0; from < images.size(); from += batchSize) {
      List<Raster8> chunk = images.subList(from, Math.min(images.size(), from + batchSize));
      try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope(); NoGrad ng = NoGrad.open()) {
        copyRows(model.encodeImage(pixels(m, chunk), true), out, from);
      }
    }
    return out;
  }

  /** Class probabilities [N][C] from a model's classification head, in input order. */
  public float[][] classify(dev.vlt.models.ImageClassifier model, List<Raster8> images) {
    float[][] out = new float[images.size()][];
    for (int from = 0; from < images.size(); from += batchSize) {
      List<Raster8> chunk = images.subList(from, Math.min(images.size(), from + batchSize));
      try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope(); NoGrad ng = NoGrad.open()) {
        copyRows(model.classify(pixels(m, chunk)), out, from);
      }
    }
    return out;
  }

  /** L2-normalised text embeddings [N][E], in input order. */
  public float[][] embedTexts(TextEmbedding model, List<String> texts) {
    float[][] out = new float[texts.size()][];
    for (int from = 0; from < texts.size(); from += batchSize) {
      List<String> chunk = texts.subList(from, Math.min(texts.size(), from + batchSize));
      try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope(); NoGrad ng = NoGrad.open()) {
        copyRows(model.encodeText(ids(m, chunk), true), out, from);
      }
    }
    return out;
  }

  /** L2-normalised image embeddings [N][E] from towers running in ONNX Runtime, in input order. */
  public float[][] embedImages(OnnxTowers towers, List<Raster8> images) {
    float[][] out = new float[images.size()][];
    int s = transform.imageSize();
    int per = 3 * s * s;
    for (int from = 0; from < images.size(); from += batchSize) {
      List<Raster8> chunk = images.subList(from, Math.min(images.size(), from + batchSize));
      float[] pixels = new float[chunk.size() * per];
      for (int i = 0; i < chunk.size(); i++) transform.applyInto(chunk.get(i), pixels, i * per, null);
      float[][] rows = towers.runImages(pixels, chunk.size(), s, "embedding");
      System.arraycopy(rows, 0, out, from, rows.length);
    }
    return out;
  }

  /** L2-normalised text embeddings [N][E] from towers running in ONNX Runtime, in input order. */
  public float[][] embedTexts(OnnxTowers towers, List<String> texts) {
    float[][] out = new float[texts.size()][];
    for (int from = 0; from < texts.size(); from += batchSize) {
      List<String> chunk = texts.subList(from, Math.min(texts.size(), from + batchSize));
      float[][] rows = towers.runTexts(tokenizer.get().tokenize(chunk), "embedding");
      System.arraycopy(rows, 0, out, from, rows.length);
    }
    return out;
  }

  /** P(match) of image i with text i, in input order, from a model with an ITM head. */
  public float[] match(ImageTextMatching model, List<Raster8> images, List<String> texts) {
    checkPairs(images, texts);
    float[] out = new float[images.size()];
    for (int from = 0; from < images.size(); from += batchSize) {
      int to = Math.min(images.size(), from + batchSize);
      try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope(); NoGrad ng = NoGrad.open()) {
        NDArray ids = ids(m, texts.subList(from, to));
        NDArray p = model.matchProbability(pixels(m, images.subList(from, to)), ids, attention(ids));
        System.arraycopy(p.toType(DataType.FLOAT32, false).toFloatArray(), 0, out, from, to - from);
      }
    }
    return out;
  }

  /** The answer to question i about image i, in input order, from a model that answers questions. */
  public List<QuestionAnswering.Answer> answer(QuestionAnswering model, List<Raster8> images, List<String> questions) {
    checkPairs(images, questions);
    List<QuestionAnswering.Answer> out = new ArrayList<>(images.size());
    for (int from = 0; from < images.size(); from += batchSize) {
      int to = Math.min(images.size(), from + batchSize);
      try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope(); NoGrad ng = NoGrad.open()) {
        NDArray ids = ids(m, questions.subList(from, to));
        out.addAll(model.answer(pixels(m, images.subList(from, to)), ids, attention(ids), tokenizer.get()));
      }
    }
    return out;
  }

  /** ids [N, L] → [N, L] int64: 1 for a token, 0 for the tokenizer's padding. */
  public NDArray attention(NDArray ids) {
    return ids.neq(tokenizer.get().padId()).toType(DataType.INT64, false);
  }

  private static void checkPairs(List<Raster8> images, List<String> texts) {
    if (images.size() != texts.size()) throw new IllegalArgumentException(images.size() + " images for " + texts.size() + " texts");
  }

  /** Rows of features [n, E] into out[from .. from + n). */
  public static void copyRows(NDArray features, float[][] out, int from) {
    int n = (int) features.getShape().get(0);
    int d = (int) features.getShape().get(1);
    float[] flat = features.toType(DataType.FLOAT32, false).toFloatArray();
    for (int i = 0; i < n; i++) out[from + i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
  }

  /** Features [n, E] as host rows. */
  public static float[][] rows(NDArray features) {
    float[][] out = new float[(int) features.getShape().get(0)][];
    copyRows(features, out, 0);
    return out;
  }

  public int batchSize() {
    return batchSize;
  }

  public Tokenizer tokenizer() {
    return tokenizer.get();
  }

  public int imageSize() {
    return transform.imageSize();
  }
}
