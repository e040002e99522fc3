package dev.vlt.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vlt.models.clip.Clip;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * A CLIP-family model's two towers running in ONNX Runtime (CPU): the engine behind {@code --engine onnx}. Built from the
 * exported graphs (in memory from a loaded model, or from an export folder's {@code image.onnx} / {@code text.onnx}).
 * Thread-safe: ONNX Runtime sessions may be run concurrently.
 */
public final class OnnxTowers implements AutoCloseable {
  public static final String IMAGE_FILE = "image.onnx";
  public static final String TEXT_FILE = "text.onnx";

  private final OrtEnvironment env;
  private final OrtSession image;
  private final OrtSession text;
  private final Quantization quant;

  private OnnxTowers(OrtEnvironment env, OrtSession image, OrtSession text, Quantization quant) {
    this.env = env;
    this.image = image;
    this.text = text;
    this.quant = quant;
  }

  /**
   * Exports both towers of {@code clip} and opens them.
   *
   * @param optimize ONNX Runtime's graph optimisations (all levels: fusions of GELU, layer norm, the int8 matmul pattern)
   * @param threads intra-op threads (0: ONNX Runtime's default, one per core)
   */
  public static OnnxTowers export(Clip clip, Quantization quant, boolean optimize, int threads) {
    return open(ClipOnnx.imageTower(clip, quant).toByteArray(), ClipOnnx.textTower(clip, quant).toByteArray(), quant, optimize, threads);
  }

  /** Opens an export folder written by {@link OnnxExport}. */
  public static OnnxTowers load(Path dir, boolean optimize, int threads) throws IOException {
    byte[] img = Files.readAllBytes(dir.resolve(IMAGE_FILE));
    byte[] txt = Files.readAllBytes(dir.resolve(TEXT_FILE));
    try {
      String label = ModelProto.parseFrom(img).getMetadataPropsList().stream().filter(p -> p.getKey().equals("quantization"))
          .map(p -> p.getValue()).findFirst().orElse("fp32");
      return open(img, txt, Quantization.parse(label), optimize, threads);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IOException(dir.resolve(IMAGE_FILE) + " is not an ONNX model: " + e.getMessage(), e);
    }
  }

  private static OnnxTowers open(byte[] image, byte[] text, Quantization quant, boolean optimize, int threads) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setOptimizationLevel(optimize ? OrtSession.SessionOptions.OptLevel.ALL_OPT : OrtSession.SessionOptions.OptLevel.NO_OPT);
      if (threads > 0) opts.setIntraOpNumThreads(threads);
      opts.setInterOpNumThreads(1);
      OrtSession img = env.createSession(image, opts);
      try {
        return new OnnxTowers(env, img, env.createSession(text, opts), quant);
      } catch (OrtException e) {
        img.close();
        throw e;
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime could not load the exported graph: " + e.getMessage(), e);
    }
  }

  /** pixels: [n, 3, s, s] row-major normalised → rows of {@code output} ("features" or "embedding"), [n][E]. */
  public float[][] runImages(float[] pixels, int n, int size, String output) {
    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), new long[] {n, 3, size, size})) {
      return run(image, Map.of("pixels", t), output);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on the image tower: " + e.getMessage(), e);
    }
  }

  /** ids: [n][L] → rows of {@code output} ("features" or "embedding"), [n][E]. */
  public float[][] runTexts(long[][] ids, String output) {
    int n = ids.length;
    int l = n == 0 ? 0 : ids[0].length;
    long[] flat = new long[n * l];
    for (int i = 0; i < n; i++) System.arraycopy(ids[i], 0, flat, i * l, l);
    try (OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(flat), new long[] {n, l})) {
      return run(text, Map.of("ids", t), output);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on the text tower: " + e.getMessage(), e);
    }
  }

  private static float[][] run(OrtSession s, Map<String, OnnxTensor> in, String output) throws OrtException {
    try (OrtSession.Result r = s.run(in, Set.of(output))) {
      return (float[][]) r.get(0).getValue();
    }
  }

  public Quantization quantization() {
    return quant;
  }

  @Override
  public void close() {
    try {
      image.close();
      text.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }

}
