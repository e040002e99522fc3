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

  private static void writeAtomically(Path file, ai.onnx.proto.OnnxMl.ModelProto model) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    try (OutputStream os = Files.newOutputStream(tmp)) {
      model.writeTo(os);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
