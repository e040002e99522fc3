package dev.vlt.models.msclip;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.io.SafeTensors;
import dev.vlt.io.SafeTensorsWriter;
import dev.vlt.models.Models;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.tensor.Engines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * MS-CLIP model folders: open_clip's hub layout ({@code open_clip_config.json} + {@code open_clip_model.safetensors}) with
 * vlt's {@code msclip_cfg} inside {@code model_cfg}. A CLIP folder whose towers have equal shape also loads, as the
 * fully-separate MS-CLIP it is (same keys, same outputs).
 */
public final class MsClipFolder {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private MsClipFolder() {}

  /** A loaded model and its preprocessing; closing it frees the weights. */
  public record Loaded(MsClip model, PreprocessConfig preprocess, Path folder, NDManager manager) implements AutoCloseable {
    @Override
    public void close() {
      manager.close();
    }
  }

  public static void save(MsClip model, PreprocessConfig preprocess, Path dir) throws IOException {
    Files.createDirectories(dir);
    ObjectNode root = JSON.createObjectNode();
    root.set("model_cfg", model.config().toJson(JSON));
    root.set("preprocess_cfg", preprocess.toJson(JSON));
    Path tmp = Files.createTempFile(dir, Models.CONFIG_FILE, ".tmp");
    Files.writeString(tmp, JSON.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve(Models.CONFIG_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    SafeTensorsWriter.write(dir.resolve(Models.WEIGHTS_FILE), model.stateDict(), Map.of());
  }

  /** Loads an MS-CLIP folder, or a CLIP folder as the fully-separate MS-CLIP; strict about every key and shape. */
  public static Loaded load(Path dir) throws IOException {
    Path cfgFile = dir.resolve(Models.CONFIG_FILE);
    Path weights = dir.resolve(Models.WEIGHTS_FILE);
    if (!Files.isRegularFile(cfgFile)) throw new IllegalArgumentException("not a model folder (no " + Models.CONFIG_FILE + "): " + dir);
    if (!Files.isRegularFile(weights)) throw new IllegalArgumentException("model folder has no " + Models.WEIGHTS_FILE + ": " + dir);
    JsonNode root;
    try {
      root = JSON.readTree(cfgFile.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(cfgFile + " is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.has("model_cfg")) throw new IllegalArgumentException(cfgFile + " has no model_cfg");
    JsonNode modelCfg = root.get("model_cfg");
    MsClipConfig cfg = MsClipConfig.isMsClip(modelCfg) ? MsClipConfig.fromJson(modelCfg)
        : MsClipConfig.separateFrom(ClipConfig.fromJson(modelCfg));
    PreprocessConfig pre = root.has("preprocess_cfg") ? PreprocessConfig.fromJson(root.get("preprocess_cfg"), cfg.imageSize())
        : PreprocessConfig.openai(cfg.imageSize());
    Engines.ensureStarted();
    NDManager m = NDManager.newBaseManager();
    try (SafeTensors st = SafeTensors.open(weights); NDManager tmp = m.newSubManager()) {
      MsClip model = new MsClip(cfg);
      model.load(m, st.loadAll(tmp));
      return new Loaded(model, pre, dir, m);
    } catch (RuntimeException | IOException e) {
      m.close();
      throw e;
    }
  }
}
