package dev.vlt.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.io.SafeTensors;
import dev.vlt.io.SafeTensorsWriter;
import dev.vlt.tensor.Engines;
import dev.vlt.tensor.Module;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The one registry. A model on disk is a folder in open_clip's hub layout: {@code open_clip_config.json}
 * ({@code {"arch": ..., "model_cfg": ..., "preprocess_cfg": ...}}; open_clip reads only the last two) and
 * {@code open_clip_model.safetensors}. A registry name (e.g. "ViT-B-32", "coca-shapes-small") is a bundled config file
 * of the same layout. Every architecture loads, saves and is created through here; {@link Architectures} says which.
 */
public final class Models {
  public static final String CONFIG_FILE = "open_clip_config.json";
  public static final String WEIGHTS_FILE = "open_clip_model.safetensors";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** The bundled configs under {@code configs/NAME.json}, in the order {@code vlt models} lists them. */
  private static final List<String> REGISTRY = List.of(
      "ViT-B-32", "ViT-B-32-quickgelu", "ViT-B-16", "ViT-B-16-quickgelu", "ViT-L-14", "ViT-L-14-quickgelu", "small", "tiny",
      "shapes-small", "msclip-shapes-small", "coca-tiny", "coca-shapes", "coca-shapes-small",
      "albef-shapes-small", "albef-vqa-shapes-small", "meter-tiny", "meter-shapes-small", "meter-shapes-clip",
      "pacl-shapes-small",
      "transvg-small", "transvg++-small", "simla-shapes-small",
      "loupe-shapes-small",
      "mae-small", "mae-small-norm-pix", "vlc-shapes-small", "beit3-shapes-small", "flava-shapes-small",
      "omnivl-shapes-small", "omnivl-captioner-shapes-small", "mov-shapes-small", "internvideo-shapes-small");

  private Models() {}

  /** The pluggable sources (hub tags, foreign layouts), loaded once. */
  private static final class Sources {
    static final List<ModelSource> ALL = ServiceLoader.load(ModelSource.class, Models.class.getClassLoader()).stream()
        .map(ServiceLoader.Provider::get).toList();
  }

  /** The registry's names. */
  public static List<String> registry() {
    return REGISTRY;
  }

  /** The registry's config of {@code name}, e.g. "ViT-B-32". */
  public static ModelConfig config(String name) {
    JsonNode root = registryJson(name);
    if (root == null) throw new IllegalArgumentException("unknown architecture '" + name + "'; known: " + String.join(", ", REGISTRY));
    return readConfig(root, "registry config " + name);
  }

  /** The registry's config of {@code name} as one architecture's config type, e.g. a pretrained tag's CLIP. */
  public static <C extends ModelConfig> C config(String name, Class<C> type) {
    ModelConfig c = config(name);
    if (!type.isInstance(c)) {
      throw new IllegalArgumentException("registry config " + name + " is " + Architectures.get(c.arch()).title() + ", not "
          + type.getSimpleName());
    }
    return type.cast(c);
  }

  /** A new model of a registry config with seeded random weights. */
  public static LoadedModel create(String name, long seed) {
    return create(config(name), name, seed);
  }

  /** A new model of {@code cfg} with seeded random weights, preprocessed with open_clip's defaults at its image size. */
  public static LoadedModel create(ModelConfig cfg, String name, long seed) {
    NDManager m = newManager();
    try {
      Module module = cfg.create();
      module.initialize(m, seed);
      return new LoadedModel(name, null, cfg, module, PreprocessConfig.openai(cfg.imageSize()), m, null);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** True when {@code dir} looks like a model folder: open_clip's layout or one a {@link ModelSource} reads. */
  public static boolean isModelFolder(Path dir) {
    if (Files.isRegularFile(dir.resolve(CONFIG_FILE))) return true;
    for (ModelSource s : Sources.ALL) if (s.recognizes(dir)) return true;
    return false;
  }

  /**
   * Loads a model folder of any architecture; every tensor must match the config exactly (strict load). Folders in
   * another layout (e.g. transformers' CLIPModel) go to the {@link ModelSource} that recognizes them.
   */
  public static LoadedModel load(Path dir) throws IOException {
    if (!Files.isRegularFile(dir.resolve(CONFIG_FILE))) {
      for (ModelSource s : Sources.ALL) if (Files.isDirectory(dir) && s.recognizes(dir)) return s.load(dir);
    }
    JsonNode root = readFolderConfig(dir);
    ModelConfig cfg = readConfig(root, dir.resolve(CONFIG_FILE).toString());
    return load(dir.getFileName().toString(), dir, cfg, preprocess(root, cfg.imageSize()), dir.resolve(WEIGHTS_FILE));
  }

  /**
   * A model of {@code cfg} with the weights of an open_clip-named safetensors file (strict load), e.g. a pretrained
   * checkpoint whose config comes from the registry rather than from its folder.
   *
   * @param folder where the model came from (tokenizer files are looked up there), or null
   */
  public static LoadedModel load(String name, Path folder, ModelConfig cfg, PreprocessConfig pre, Path weights)
      throws IOException {
    try (SafeTensors st = SafeTensors.open(weights); NDManager tmp = newManager()) {
      return fromState(name, folder, cfg, pre, st.loadAll(tmp));
    }
  }

  /** A model of {@code cfg} holding {@code state} (strict load); the arrays stay the caller's. */
  public static LoadedModel fromState(String name, Path folder, ModelConfig cfg, PreprocessConfig pre, Map<String, NDArray> state) {
    NDManager m = newManager();
    try {
      Module module = cfg.create();
      module.load(m, state);
      return new LoadedModel(name, folder, cfg, module, pre, m, null);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /**
   * A folder path, a registry name (random weights, seed 0), or a name a {@link ModelSource} knows (e.g. a pretrained
   * tag such as {@code ViT-B-32:laion2b_s34b_b79k}, downloaded on first use).
   */
  public static LoadedModel resolve(String nameOrPath) throws IOException {
    Path p = Path.of(nameOrPath);
    if (Files.isDirectory(p)) return load(p);
    if (REGISTRY.contains(nameOrPath)) return create(nameOrPath, 0);
    StringBuilder kinds = new StringBuilder();
    for (ModelSource s : Sources.ALL) {
      Optional<LoadedModel> m = s.resolve(nameOrPath);
      if (m.isPresent()) return m.get();
      if (!s.describe().isEmpty()) kinds.append(", nor ").append(s.describe());
    }
    throw new IllegalArgumentException("'" + nameOrPath + "' is neither a model folder nor a known architecture ("
        + String.join(", ", REGISTRY) + ")" + kinds);
  }

  /** {@link #resolve} with a tokenizer file or folder in place of the model's own (null: the model's). */
  public static LoadedModel resolve(String nameOrPath, Path tokenizerOverride) throws IOException {
    return resolve(nameOrPath).withTokenizer(tokenizerOverride);
  }

  /** Writes a model in open_clip's hub layout, so open_clip loads what vlt trained (CLIP, CoCa) and vlt loads it back. */
  public static void save(ModelConfig cfg, Module module, PreprocessConfig pre, Path dir) throws IOException {
    if (!cfg.create().getClass().isInstance(module)) {
      throw new IllegalArgumentException("a " + module.getClass().getSimpleName() + " is not what a " + cfg.arch() + " config builds");
    }
    Files.createDirectories(dir);
    ObjectNode root = JSON.createObjectNode();
    root.put(Architectures.KEY, cfg.arch());
    root.set("model_cfg", cfg.toJson(JSON));
    root.set("preprocess_cfg", pre.toJson(JSON));
    Path tmp = Files.createTempFile(dir, CONFIG_FILE, ".tmp");
    Files.writeString(tmp, JSON.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve(CONFIG_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    SafeTensorsWriter.write(dir.resolve(WEIGHTS_FILE), module.stateDict(), Map.of());
  }

  /** Writes a model module in its own config's folder layout. */
  public static <M extends Module & ModelModule> void save(M model, PreprocessConfig pre, Path dir) throws IOException {
    save(model.config(), model, pre, dir);
  }

  /** Writes a loaded model's weights, config and preprocessing (not its tokenizer files) into {@code dir}. */
  public static void save(LoadedModel model, Path dir) throws IOException {
    save(model.config(), model.module(), model.preprocess(), dir);
  }

  /** Strictly loads a folder's weights file into {@code model}, the values owned by {@code manager}. */
  public static void loadWeights(Module model, Path dir, NDManager manager) throws IOException {
    try (SafeTensors st = SafeTensors.open(dir.resolve(WEIGHTS_FILE)); NDManager tmp = newManager()) {
      model.load(manager, st.loadAll(tmp));
    }
  }

  /** The folder's {@code preprocess_cfg}, or open_clip's defaults at the tower's size when absent. */
  public static PreprocessConfig preprocess(JsonNode root, int imageSize) {
    return root.has("preprocess_cfg") ? PreprocessConfig.fromJson(root.get("preprocess_cfg"), imageSize)
        : PreprocessConfig.openai(imageSize);
  }

  /** The parsed {@code open_clip_config.json} of a model folder, checked to be a folder with both files and a model_cfg. */
  public static JsonNode readFolderConfig(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("not a folder: " + dir);
    Path cfgFile = dir.resolve(CONFIG_FILE);
    if (!Files.isRegularFile(cfgFile)) throw new IllegalArgumentException("not a model folder (no " + CONFIG_FILE + "): " + dir);
    if (!Files.isRegularFile(dir.resolve(WEIGHTS_FILE))) {
      throw new IllegalArgumentException("model folder has no " + WEIGHTS_FILE + ": " + dir);
    }
    return readJson(cfgFile);
  }

  /** The config of a model folder, without reading its weights where its layout allows (open_clip's). */
  public static ModelConfig folderConfig(Path dir) throws IOException {
    if (Files.isRegularFile(dir.resolve(CONFIG_FILE))) return readConfig(readJson(dir.resolve(CONFIG_FILE)), dir.resolve(CONFIG_FILE).toString());
    try (LoadedModel m = load(dir)) {
      return m.config();
    }
  }

  /**
   * A model config from a JSON file: a whole folder config ({@code {"arch": ..., "model_cfg": ...}}) or a bare
   * {@code model_cfg} object (open_clip's model-config files; its architecture recognised as for folders).
   */
  public static ModelConfig readConfigFile(Path file) throws IOException {
    JsonNode root = readJson(file);
    if (!root.has("model_cfg")) root = JSON.createObjectNode().set("model_cfg", root);
    return readConfig(root, file.toString());
  }

  /** The config of a parsed folder or registry config: its architecture reads its {@code model_cfg}. */
  public static ModelConfig readConfig(JsonNode root, String where) {
    if (root == null || !root.isObject() || !root.has("model_cfg")) throw new IllegalArgumentException(where + " has no model_cfg");
    try {
      return Architectures.of(root).readConfig(root.get("model_cfg"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode readJson(Path file) throws IOException {
    try {
      JsonNode root = JSON.readTree(file.toFile());
      if (root == null || !root.isObject()) throw new IllegalArgumentException(file + " does not hold a JSON object");
      return root;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** The registry's JSON for a name, or null if there is none. */
  static JsonNode registryJson(String name) {
    if (!REGISTRY.contains(name)) return null;
    try (InputStream in = Models.class.getResourceAsStream("configs/" + name + ".json")) {
      if (in == null) throw new IllegalStateException("the bundled config of " + name + " is missing from the jar");
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the bundled config of " + name, e);
    }
  }

  private static NDManager newManager() {
    Engines.ensureStarted();
    return NDManager.newBaseManager();
  }
}
