package dev.vlt.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.onnx.OnnxTowers;
import dev.vlt.onnx.Quantization;
import dev.vlt.tensor.Engines;
import dev.vlt.tensor.NoGrad;
import dev.vlt.train.ContrastiveTask;
import dev.vlt.train.ModelWriter;
import dev.vlt.train.TrainBatch;
import dev.vlt.train.TrainConfig;
import dev.vlt.train.Trainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Speed of the model layer: encoders at inference, a training step, and the machine's own matmul ceiling. */
public final class ModelBench {
  private ModelBench() {}

  /**
   * The machine's fp32 matmul ceiling in GFLOP/s, the figure the others are read against: the best of a square 2048²
   * product and the shapes of ViT-B/32's largest layers at batch 8 (400 tokens × 768 → 3072 and back), since oneMKL's
   * speed depends on the shape.
   */
  public static double matmulGflops() {
    Engines.ensureStarted();
    return Math.max(matmulGflops(2048, 2048, 2048), Math.max(matmulGflops(400, 768, 3072), matmulGflops(400, 3072, 768)));
  }

  /** GFLOP/s of an [m, k] × [k, n] fp32 product. */
  public static double matmulGflops(int m, int k, int n) {
    Engines.ensureStarted();
    try (NDManager mgr = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      NDArray a = mgr.randomNormal(new Shape(m, k));
      NDArray b = mgr.randomNormal(new Shape(k, n));
      // PyTorch's CPU ops are synchronous: the product is done when matMul returns, so nothing is copied out
      double s = Timing.medianSeconds(3, 9, () -> a.matMul(b).close());
      return 2.0 * m * k * n / s / 1e9;
    }
  }

  /** Image-encoder images/s at {@code batch}, random weights of the architecture. */
  public static double imagesPerSecond(Clip model, int batch, int runs) {
    int size = model.config().vision().imageSize();
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      NDArray images = m.randomNormal(new Shape(batch, 3, size, size));
      double s = Timing.medianSeconds(3, runs, () -> {
        try (NDScope scope = new NDScope()) {
          model.encodeImage(images, true).toFloatArray();
        }
      });
      return batch / s;
    }
  }

  /** Text-encoder texts/s at {@code batch} full-length rows. */
  public static double textsPerSecond(Clip model, int batch, int runs) {
    ClipConfig c = model.config();
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      NDArray ids = randomIds(m, batch, c.text().contextLength(), c.text().vocabSize());
      double s = Timing.medianSeconds(3, runs, () -> {
        try (NDScope scope = new NDScope()) {
          model.encodeText(ids, true).toFloatArray();
        }
      });
      return batch / s;
    }
  }

  /**
   * Training samples/s of the {@link Trainer}'s own step (forward, contrastive loss, backward, global gradient norm, AdamW
   * with open_clip's decay groups, temperature clamp) on one fixed random batch: the mechanism {@code vlt train} runs.
   */
  public static double trainSamplesPerSecond(Clip model, int batch, int runs) {
    return trainProfile(model, batch, runs).samplesPerSecond();
  }

  /**
   * The training step's speed and where its time goes.
   *
   * @param phaseSeconds median seconds per phase: forward + loss, backward, gradient norm, optimizer, zeroing gradients
   */
  public record TrainProfile(double samplesPerSecond, double[] phaseSeconds) {
    public static final List<String> PHASES = List.of("forward + loss", "backward", "gradient norm", "AdamW", "zero gradients");
  }

  /** {@link #trainSamplesPerSecond} with the median split of the step into its phases. */
  public static TrainProfile trainProfile(Clip model, int batch, int runs) {
    ClipConfig c = model.config();
    int size = c.vision().imageSize();
    try (NDManager m = NDManager.newBaseManager()) {
      TrainBatch data = new TrainBatch(m.randomNormal(new Shape(batch, 3, size, size)),
          randomIds(m, batch, c.text().contextLength(), c.text().vocabSize()));
      ContrastiveTask task = new ContrastiveTask(model, ContrastiveTask.Objective.CONTRASTIVE, 0, m, ModelWriter.NONE);
      // open_clip's ViT settings and tools/torch-ref's: lr 5e-4, wd 0.2, betas (0.9, 0.98), eps 1e-6, no clipping
      TrainConfig cfg = TrainConfig.fromJson(new ObjectMapper().createObjectNode().put("batch_size", batch).put("steps", 1_000_000)
          .put("train_num_samples", batch).put("lr", 5e-4).put("wd", 0.2).put("warmup", 0).put("grad_clip_norm", 0.0));
      Trainer<TrainBatch, ContrastiveTask.Outputs> trainer = new Trainer<>(task, cfg, m);
      model.train(true);
      List<double[]> phases = new java.util.ArrayList<>();
      double s = Timing.medianSeconds(2, runs, () -> {
        try (NDScope scope = new NDScope()) {
          trainer.step(List.of(data), batch);
        }
        phases.add(trainer.lastPhaseSeconds());
      });
      int k = TrainProfile.PHASES.size();
      double[] median = new double[k];
      for (int i = 0; i < k; i++) {
        final int p = i;
        double[] col = phases.subList(2, phases.size()).stream().mapToDouble(a -> a[p]).sorted().toArray();
        median[i] = col[col.length / 2];
      }
      return new TrainProfile(batch / s, median);
    } finally {
      model.train(false);
    }
  }

  private static NDArray randomIds(NDManager m, int batch, int ctx, int vocab) {
    long[] ids = new long[batch * ctx];
    java.util.SplittableRandom r = new java.util.SplittableRandom(0);
    for (int i = 0; i < ids.length; i++) ids[i] = 1 + r.nextInt(vocab - 3);
    for (int b = 0; b < batch; b++) ids[b * ctx + ctx - 1] = vocab - 1;  // eot last, the argmax
    return m.create(ids, new Shape(batch, ctx)).toType(DataType.INT64, false);
  }

  /** Image-tower images/s at {@code batch} in ONNX Runtime, on the same kind of random input as the DJL figure. */
  public static double onnxImagesPerSecond(OnnxTowers towers, int size, int batch, int runs) {
    float[] pixels = new float[batch * 3 * size * size];
    java.util.SplittableRandom r = new java.util.SplittableRandom(0);
    for (int i = 0; i < pixels.length; i++) pixels[i] = (float) r.nextGaussian();
    return batch / Timing.medianSeconds(3, runs, () -> towers.runImages(pixels, batch, size, "embedding"));
  }

  /**
   * {@code vlt bench --engine onnx}: ViT-B-32's image tower at batch 8 (images/s) and batch 1 (ms) on DJL, and on ONNX
   * Runtime in fp32 and int8 (attention and MLP weights; the patch embedding and final projection fp32), one model's
   * weights for all three.
   */
  public static Map<String, Double> onnx() {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("threads", (double) Engines.threads());
    try (LoadedModel b32 = Models.create("ViT-B-32", 0)) {
      Clip clip = b32.as(Clip.class);
      int size = clip.config().vision().imageSize();
      out.put("djl_batch8_images_per_s", imagesPerSecond(clip, 8, 7));
      out.put("djl_batch1_latency_ms", 1000.0 / imagesPerSecond(clip, 1, 9));
      for (Quantization q : List.of(Quantization.NONE, Quantization.INT8)) {
        try (OnnxTowers t = OnnxTowers.export(clip, q, true, Engines.threads())) {
          out.put("onnx_" + q.label() + "_batch8_images_per_s", onnxImagesPerSecond(t, size, 8, 7));
          out.put("onnx_" + q.label() + "_batch1_latency_ms", 1000.0 / onnxImagesPerSecond(t, size, 1, 9));
        }
      }
    }
    return out;
  }

  /** The figures of {@code vlt bench}, in print order. */
  public static Map<String, Double> standard() {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("threads", (double) Engines.threads());
    out.put("matmul_gflops", matmulGflops());
    try (LoadedModel b32 = Models.create("ViT-B-32", 0)) {
      out.put("vit_b32_image_batch8_images_per_s", imagesPerSecond(b32.as(Clip.class), 8, 7));
      out.put("vit_b32_image_batch1_latency_ms", 1000.0 / imagesPerSecond(b32.as(Clip.class), 1, 9));
      out.put("vit_b32_text_batch8_texts_per_s", textsPerSecond(b32.as(Clip.class), 8, 7));
    }
    try (LoadedModel small = Models.create("small", 0)) {
      out.put("small_clip_train_batch32_samples_per_s", trainSamplesPerSecond(small.as(Clip.class), 32, 6));
    }
    return out;
  }
}
