package dev.vlt.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.io.SafeTensors;
import dev.vlt.io.SafeTensorsWriter;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.tensor.Engines;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one registry: an architecture is the name of a JSON config in open_clip's schema, a model on disk is a folder in
 * open_clip's hub layout ({@code open_clip_config.json} + {@code open_clip_model.safetensors}).
 */
public final class Models {
  public static final String CONFIG_FILE = "open_clip_config.json";
  public static final String WEIGHTS_FILE = "open_clip_model.safetensors";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final List<String> ARCHITECTURES = List.of(
      "ViT-B-32", "ViT-B-32-quickgelu", "ViT-B-16", "ViT-B-16-quickgelu", "ViT-L-14", "ViT-L-14-quickgelu", "small", "tiny", "shapes-small");

  private Models() {}

  public static List<String> architectures() {
    return ARCHITECTURES;
  }

  /** The registry's config for an architecture name, e.g. "ViT-B-32". */
  public static ClipConfig config(String architecture) {
    try (InputStream in = Models.class.getResourceAsStream("configs/" + architecture + ".json")) {
      if (in == null) {
        throw new IllegalArgumentException("unknown architecture '" + architecture + "'; known: " + String.join(", ", ARCHITECTURES));
      }
      return ClipConfig.fromJson(JSON.readTree(in));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the bundled config of " + architecture, e);
    }
  }

  /** A new model of a registry architecture with seeded random weights. */
  public static LoadedModel create(String architecture, long seed) {
    ClipConfig cfg = config(architecture);
    NDManager m = newManager();
    Clip model = new Clip(cfg);
    model.initialize(m, seed);
    return new LoadedModel(architecture, null, model, Preprocess.defaults(cfg.vision().imageSize()), m);
  }

  /** True when {@code dir} looks like a model folder. */
  public static boolean isModelFolder(Path dir) {
    return Files.isRegularFile(dir.resolve(CONFIG_FILE));
  }

  /** Loads a model folder; every tensor must match the config exactly (strict load). */
  public static LoadedModel load(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("not a folder: " + dir);
    Path cfgFile = dir.resolve(CONFIG_FILE);
    Path weights = dir.resolve(WEIGHTS_FILE);
    if (!Files.isRegularFile(cfgFile)) throw new IllegalArgumentException("not a model folder (no " + CONFIG_FILE + "): " + dir);
    if (!Files.isRegularFile(weights)) throw new IllegalArgumentException("model folder has no " + WEIGHTS_FILE + ": " + dir);
    JsonNode root;
    try {
      root = JSON.readTree(cfgFile.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(cfgFile + " is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.has("model_cfg")) throw new IllegalArgumentException(cfgFile + " has no model_cfg");
    ClipConfig cfg = ClipConfig.fromJson(root.get("model_cfg"));
    Preprocess pre = Preprocess.fromJson(root.get("preprocess_cfg"), cfg.vision().imageSize());
    NDManager m = newManager();
    try (SafeTensors st = SafeTensors.open(weights); NDManager tmp = m.newSubManager()) {
      Clip model = new Clip(cfg);
      model.load(m, st.loadAll(tmp));
      return new LoadedModel(dir.getFileName().toString(), dir, model, pre, m);
    } catch (RuntimeException | IOException e) {
      m.close();
      throw e;
    }
  }

  /** A folder path or a registry name (random weights, seed 0). */
  public static LoadedModel resolve(String nameOrPath) throws IOException {
    Path p = Path.of(nameOrPath);
    if (Files.isDirectory(p)) return load(p);
    if (ARCHITECTURES.contains(nameOrPath)) return create(nameOrPath, 0);
    throw new IllegalArgumentException("'" + nameOrPath + "' is neither a model folder nor a known architecture ("
        + String.join(", ", ARCHITECTURES) + ")");
  }

  /** Writes the model in open_clip's hub layout, so open_clip can load what vlt trained. */
  public static void save(Clip model, Preprocess pre, Path dir) throws IOException {
    Files.createDirectories(dir);
    ObjectNode root = JSON.createObjectNode();
    root.set("model_cfg", model.config().toJson(JSON));
    root.set("preprocess_cfg", pre.toJson(JSON));
    Path tmp = Files.createTempFile(dir, CONFIG_FILE, ".tmp");
    Files.writeString(tmp, JSON.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve(CONFIG_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Map<String, NDArray> state = model.stateDict();
    SafeTensorsWriter.write(dir.resolve(WEIGHTS_FILE), state, Map.of());
  }

  private static NDManager newManager() {
    Engines.ensureStarted();
    return NDManager.newBaseManager();
  }

  static List<String> knownNames() {
    return new ArrayList<>(ARCHITECTURES);
  }
}
