package dev.vlt.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.Architectures;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.clip.Clip;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * {@code vlt export onnx}: a model's image and text towers as {@code image.onnx} and {@code text.onnx} (opset 17,
 * dynamic batch), beside the model's {@code open_clip_config.json} (preprocessing and tokenizer config) and tokenizer
 * files, so the folder is all a deployment needs.
 */
public final class OnnxExport {
  /** Tokenizer files a model folder may carry beside its weights (CLIP's own BPE needs none). */
  static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt",
      "special_tokens_map.json");

  private OnnxExport() {}

  /** The model's module as CLIP, or an error naming what the exporter covers. */
  public static Clip clipOf(LoadedModel model) {
    if (model.module() instanceof Clip clip) return clip;
    throw new IllegalArgumentException("ONNX export covers CLIP models; " + model.name() + " is a " + model.architecture().name()
        + " model");
  }

  /** Writes the export folder; returns the two graph files. */
  public static List<Path> write(LoadedModel model, Path out, Quantization quant) throws IOException {
    Clip clip = clipOf(model);
    Files.createDirectories(out);
    Path image = out.resolve(OnnxTowers.IMAGE_FILE);
    Path text = out.resolve(OnnxTowers.TEXT_FILE);
    writeAtomically(image, ClipOnnx.imageTower(clip, quant));
    writeAtomically(text, ClipOnnx.textTower(clip, quant));
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put(Architectures.KEY, clip.config().arch());
    root.set("model_cfg", clip.config().toJson(json));
    root.set("preprocess_cfg", model.preprocess().toJson(json));
    ObjectNode onnx = root.putObject("onnx");
    onnx.put("quantization", quant.label()).put("opset", OnnxGraph.OPSET)
        .put("logit_scale", (double) clip.logitScale().value().getFloat());
    onnx.putObject("image").put("file", OnnxTowers.IMAGE_FILE).put("input", "pixels [batch, 3, S, S] normalised")
        .put("outputs", "features [batch, E], embedding [batch, E] (L2-normalised)");
    onnx.putObject("text").put("file", OnnxTowers.TEXT_FILE).put("input", "ids [batch, context_length] int64")
        .put("outputs", "features [batch, E], embedding [batch, E] (L2-normalised)");
    Files.writeString(out.resolve(Models.CONFIG_FILE), json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n",
        StandardCharsets.UTF_8);
    if (model.folder() != null) {
      for (String f : TOKENIZER_FILES) {
        Path src = model.folder().resolve(f);
        if (Files.isRegularFile(src)) Files.copy(src, out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return List.of(image, text);
  }

  /**
   * How far the exported folder's towers are from the DJL model on a seeded random batch of 2, loaded in ONNX Runtime
   * with graph optimisations off and on: the worst max |Δ| of the features and the worst cosine of the embeddings over
   * both towers and both settings. The check Java can do in place of onnx.checker.
   */
  public static Verification verify(Clip clip, Path dir) throws IOException {
    int size = clip.config().vision().imageSize();
    int ctx = clip.config().text().contextLength();
    int vocab = clip.config().text().vocabSize();
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    float[] pixels = new float[2 * 3 * size * size];
    for (int i = 0; i < pixels.length; i++) pixels[i] = (float) (r.nextDouble() * 4 - 2);
    long[][] ids = new long[2][ctx];
    for (int b = 0; b < 2; b++) {
      int len = 2 + r.nextInt(Math.max(1, ctx - 2));
      for (int i = 0; i < len - 1; i++) ids[b][i] = 1 + r.nextInt(vocab - 2);
      ids[b][len - 1] = vocab - 1;
    }
    float[][] img;
    float[][] txt;
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(); dev.vlt.tensor.NoGrad ng = dev.vlt.tensor.NoGrad.open()) {
      img = dev.vlt.infer.ModelInputs.rows(clip.encodeImage(m.create(pixels, new ai.djl.ndarray.types.Shape(2, 3, size, size)), false));
      txt = dev.vlt.infer.ModelInputs.rows(clip.encodeText(m.create(ids), false));
    }
    double maxDiff = 0;
    double minCos = 1;
    for (boolean optimize : new boolean[] {false, true}) {
      try (OnnxTowers t = OnnxTowers.load(dir, optimize, 0)) {
        float[][] oi = t.runImages(pixels, 2, size, "features");
        float[][] ot = t.runTexts(ids, "features");
        maxDiff = Math.max(maxDiff, Math.max(Verification.maxDiff(img, oi), Verification.maxDiff(txt, ot)));
        minCos = Math.min(minCos, Math.min(Verification.minCosine(img, oi), Verification.minCosine(txt, ot)));
      }
    }
    return new Verification(maxDiff, minCos);
  }

  /** @param maxAbsDiff worst |Δ| of any feature; @param minCosine worst cosine of any embedding */
  public record Verification(double maxAbsDiff, double minCosine) {
    public static double maxDiff(float[][] a, float[][] b) {
      double worst = 0;
      for (int i = 0; i < a.length; i++) for (int j = 0; j < a[i].length; j++) worst = Math.max(worst, Math.abs(a[i][j] - b[i][j]));
      return worst;
    }

    /** The smallest row-wise cosine of two sets of vectors. */
    public static double minCosine(float[][] a, float[][] b) {
      double worst = 1;
      for (int i = 0; i < a.length; i++) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int j = 0; j < a[i].length; j++) {
          dot += (double) a[i][j] * b[i][j];
          na += (double) a[i][j] * a[i][j];
          nb += (double) b[i][j] * b[i][j];
        }
        worst = Math.min(worst, dot / Math.sqrt(na * nb));
      }
      return worst;
    }
  }

  private static void writeAtomically(Path file, ai.onnx.proto.OnnxMl.ModelProto model) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream os = Files.newOutputStream(tmp)) {
      model.writeTo(os);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
