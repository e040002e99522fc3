package dev.vlt.models;

import dev.vlt.data.image.PreprocessConfig;

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
import dev.vlt.models.msclip.MsClipConfig;
import dev.vlt.models.msclip.MsClipFolder;
import dev.vlt.tensor.Engines;
import dev.vlt.tensor.Module;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

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

  /** The pluggable sources (hub tags, foreign layouts), loaded once. */
  private static final class Sources {
    static final List<ModelSource> ALL = ServiceLoader.load(ModelSource.class, Models.class.getClassLoader()).stream()
        .map(ServiceLoader.Provider::get).toList();
  }

  static List<ModelSource> sources() {
    return Sources.ALL;
  }

  public static List<String> architectures() {
    return ARCHITECTURES;
  }

  /** The registry's config for an architecture name, e.g. "ViT-B-32". */
  public static ClipConfig config(String architecture) {
    JsonNode json = registryJson(architecture);
    if (json == null) {
      throw new IllegalArgumentException("unknown architecture '" + architecture + "'; known: " + String.join(", ", ARCHITECTURES));
    }
    if (json.has("multimodal_cfg")) {
      throw new IllegalArgumentException("architecture '" + architecture + "' is a CoCa model, not CLIP: use CocaModels");
    }
    return ClipConfig.fromJson(json);
  }

  /** A new model of a registry architecture with seeded random weights. */
  public static LoadedModel create(String architecture, long seed) {
    ClipConfig cfg = config(architecture);
    NDManager m = newManager();
    Clip model = new Clip(cfg);
    model.initialize(m, seed);
    return new LoadedModel(architecture, null, model, PreprocessConfig.openai(cfg.vision().imageSize()), m);
  }

  /** True when {@code dir} looks like a model folder: open_clip's layout or one a {@link ModelSource} reads. */
  public static boolean isModelFolder(Path dir) {
    if (Files.isRegularFile(dir.resolve(CONFIG_FILE))) return true;
    for (ModelSource s : sources()) if (s.recognizes(dir)) return true;
    return false;
  }

  /**
   * Loads a model folder; every tensor must match the config exactly (strict load). Folders in another layout (e.g.
   * transformers' CLIPModel) go to the {@link ModelSource} that recognizes them.
   */
  public static LoadedModel load(Path dir) throws IOException {
    if (!Files.isRegularFile(dir.resolve(CONFIG_FILE))) {
      for (ModelSource s : sources()) if (Files.isDirectory(dir) && s.recognizes(dir)) return s.load(dir);
    }
    JsonNode root = readFolderConfig(dir);
    if (MsClipConfig.isMsClip(root.get("model_cfg"))) return MsClipFolder.load(dir);
    ClipConfig cfg = ClipConfig.fromJson(root.get("model_cfg"));
    return load(dir.getFileName().toString(), dir, cfg, preprocess(root, cfg.vision().imageSize()), dir.resolve(WEIGHTS_FILE));
  }

  /** Strictly loads a folder's weights file into {@code model}, the values owned by {@code manager}. */
  public static void loadWeights(dev.vlt.tensor.Module model, Path dir, NDManager manager) throws IOException {
    try (SafeTensors st = SafeTensors.open(dir.resolve(WEIGHTS_FILE)); NDManager tmp = newManager()) {
      model.load(manager, st.loadAll(tmp));
    }
  }

  /** The folder's {@code preprocess_cfg}, or open_clip's defaults at the tower's size when absent. */
  public static PreprocessConfig preprocess(JsonNode root, int imageSize) {
    return root.has("preprocess_cfg") ? PreprocessConfig.fromJson(root.get("preprocess_cfg"), imageSize)
        : PreprocessConfig.openai(imageSize);
  }

  /**
   * The parsed {@code open_clip_config.json} of a model folder, checked to be a folder with both files and a model_cfg.
   * Any architecture's loader starts here.
   */
  public static JsonNode readFolderConfig(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("not a folder: " + dir);
    Path cfgFile = dir.resolve(CONFIG_FILE);
    if (!Files.isRegularFile(cfgFile)) throw new IllegalArgumentException("not a model folder (no " + CONFIG_FILE + "): " + dir);
    if (!Files.isRegularFile(dir.resolve(WEIGHTS_FILE))) {
      throw new IllegalArgumentException("model folder has no " + WEIGHTS_FILE + ": " + dir);
    }
    JsonNode root;
    try {
      root = JSON.readTree(cfgFile.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(cfgFile + " is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.has("model_cfg")) throw new IllegalArgumentException(cfgFile + " has no model_cfg");
    return root;
  }

  /**
   * A model of {@code cfg} with the weights of an open_clip-named safetensors file (strict load), e.g. a pretrained
   * checkpoint whose config comes from the registry rather than from its folder.
   *
   * @param folder where the model came from (tokenizer files are looked up there), or null
   */
  public static LoadedModel load(String name, Path folder, ClipConfig cfg, PreprocessConfig pre, Path weights)
      throws IOException {
    try (SafeTensors st = SafeTensors.open(weights); NDManager tmp = newManager()) {
      return fromState(name, folder, cfg, pre, st.loadAll(tmp));
    }
  }

  /** A model of {@code cfg} holding {@code state} (open_clip names, strict load); the arrays stay the caller's. */
  public static LoadedModel fromState(String name, Path folder, ClipConfig cfg, PreprocessConfig pre,
      Map<String, NDArray> state) {
    NDManager m = newManager();
    try {
      Clip model = new Clip(cfg);
      model.load(m, state);
      return new LoadedModel(name, folder, model, pre, m);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /**
   * A folder path (CLIP or MS-CLIP), a registry name (random weights, seed 0), or a name a {@link ModelSource} knows (e.g. a pretrained
   * tag such as {@code ViT-B-32:laion2b_s34b_b79k}, downloaded on first use).
   */
  public static LoadedModel resolve(String nameOrPath) throws IOException {
    Path p = Path.of(nameOrPath);
    if (Files.isDirectory(p)) return load(p);
    if (ARCHITECTURES.contains(nameOrPath)) return create(nameOrPath, 0);
    StringBuilder kinds = new StringBuilder();
    for (ModelSource s : sources()) {
      Optional<LoadedModel> m = s.resolve(nameOrPath);
      if (m.isPresent()) return m.get();
      if (!s.describe().isEmpty()) kinds.append(", nor ").append(s.describe());
    }
    throw new IllegalArgumentException("'" + nameOrPath + "' is neither a model folder nor a known architecture ("
        + String.join(", ", ARCHITECTURES) + ")" + kinds);
  }

  /** Writes the model in open_clip's hub layout, so open_clip can load what vlt trained. */
  public static void save(Clip model, PreprocessConfig pre, Path dir) throws IOException {
    writeFolder(dir, model.config().toJson(JSON), pre, model.stateDict());
  }

  /** Writes {@code open_clip_config.json} (model_cfg + preprocess_cfg) and the weights: any architecture's saver. */
  public static void writeFolder(Path dir, ObjectNode modelCfg, PreprocessConfig pre, Map<String, NDArray> state) throws IOException {
    Files.createDirectories(dir);
    ObjectNode root = JSON.createObjectNode();
    root.set("model_cfg", modelCfg);
    root.set("preprocess_cfg", pre.toJson(JSON));
    Path tmp = Files.createTempFile(dir, CONFIG_FILE, ".tmp");
    Files.writeString(tmp, JSON.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve(CONFIG_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    SafeTensorsWriter.write(dir.resolve(WEIGHTS_FILE), state, Map.of());
  }

  /** The registry's JSON for an architecture name, or null if there is none. */
  public static JsonNode registryJson(String architecture) {
    try (InputStream in = Models.class.getResourceAsStream("configs/" + architecture + ".json")) {
      return in == null ? null : JSON.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the bundled config of " + architecture, e);
    }
  }

  private static NDManager newManager() {
    Engines.ensureStarted();
    return NDManager.newBaseManager();
  }

  static List<String> knownNames() {
    return new ArrayList<>(ARCHITECTURES);
  }
}
