package dev.vlt.io.hf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.io.SafeTensors;
import dev.vlt.io.SafeTensorsWriter;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.tensor.CheckpointMismatchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * A model folder in transformers' CLIPModel layout: {@code config.json}, {@code model.safetensors}, optionally
 * {@code preprocessor_config.json} and tokenizer files ({@code vocab.json} + {@code merges.txt}, which vlt's
 * {@code Tokenizers.forModelDir} reads as they are). Loading maps the weights through {@link HfClipKeys}.
 */
public final class HfClipFolder {
  public static final String CONFIG_FILE = "config.json";
  public static final String WEIGHTS_FILE = "model.safetensors";
  public static final String PREPROCESSOR_FILE = "preprocessor_config.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private HfClipFolder() {}

  /** True for a folder with a transformers CLIP {@code config.json} (model_type clip), not merely any config.json. */
  public static boolean isHfClipFolder(Path dir) {
    Path cfg = dir.resolve(CONFIG_FILE);
    if (!Files.isRegularFile(cfg)) return false;
    try {
      return "clip".equals(JSON.readTree(cfg.toFile()).path("model_type").asText());
    } catch (IOException e) {
      return false;   // not JSON: not ours; load() reports the parse error if asked
    }
  }

  /** Loads the folder into vlt's {@link Clip}; the config, the key map and the strict load each fail with one line. */
  public static LoadedModel load(Path dir) throws IOException {
    Path cfgFile = dir.resolve(CONFIG_FILE);
    Path weights = dir.resolve(WEIGHTS_FILE);
    if (!Files.isRegularFile(cfgFile)) throw new IllegalArgumentException("not a transformers model folder (no " + CONFIG_FILE + "): " + dir);
    if (!Files.isRegularFile(weights)) {
      String hint = Files.exists(dir.resolve("pytorch_model.bin")) ? " (pytorch_model.bin is a torch pickle; vlt reads safetensors only)" : "";
      throw new IllegalArgumentException("model folder has no " + WEIGHTS_FILE + ": " + dir + hint);
    }
    ClipConfig cfg = HfClipConfig.read(readJson(cfgFile), cfgFile.toString());
    Path pre = dir.resolve(PREPROCESSOR_FILE);
    PreprocessConfig preprocess = Files.isRegularFile(pre)
        ? HfImageProcessor.read(readJson(pre), pre.toString())
        : PreprocessConfig.openai(cfg.vision().imageSize());
    try (SafeTensors st = SafeTensors.open(weights); NDManager tmp = NDManager.newBaseManager()) {
      Map<String, NDArray> hf = st.loadAll(tmp);
      Map<String, NDArray> openClip;
      try {
        openClip = HfClipKeys.toOpenClip(hf, cfg.vision().layers(), cfg.text().layers());
      } catch (CheckpointMismatchException e) {
        throw new IllegalArgumentException(weights + " is not a CLIPModel of " + cfgFile + ": " + e.getMessage(), e);
      }
      return Models.fromState(dir.getFileName().toString(), dir, cfg, preprocess, openClip);
    }
  }

  /**
   * Writes {@code config.json}, {@code model.safetensors} (with the {@code "format": "pt"} metadata transformers requires)
   * and {@code preprocessor_config.json}. Tokenizer files are separate: {@link HfTokenizerFiles#writeClip}.
   */
  public static void save(Clip model, PreprocessConfig pre, Path dir) throws IOException {
    ClipConfig cfg = model.config();
    // build both JSON files first: a config transformers cannot express fails before anything is written
    byte[] config = JSON.writeValueAsBytes(HfClipConfig.write(cfg, JSON));
    byte[] processor = JSON.writeValueAsBytes(HfImageProcessor.write(pre, JSON));
    Files.createDirectories(dir);
    try (NDScope scope = new NDScope()) {   // the transposed and sliced arrays would otherwise stay with the weights
      Map<String, NDArray> hf = HfClipKeys.toHf(model.stateDict(), cfg.vision().layers(), cfg.text().layers());
      SafeTensorsWriter.write(dir.resolve(WEIGHTS_FILE), hf, Map.of("format", "pt"));
    }
    writeAtomically(dir.resolve(CONFIG_FILE), config);
    writeAtomically(dir.resolve(PREPROCESSOR_FILE), processor);
  }

  static JsonNode readJson(Path file) throws IOException {
    try {
      return JSON.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  static void writeJson(Path file, JsonNode node) throws IOException {
    writeAtomically(file, JSON.writeValueAsBytes(node));
  }

  /** Writes beside the target and renames, so a reader never sees half a file. */
  static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
