package dev.vlt.models.coca;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.models.Models;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.tensor.Engines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CoCa's side of the registry: the same config folder and the same open_clip hub layout as {@link Models}, so a CoCa folder
 * written here loads in open_clip (and open_clip's CoCa folders load here).
 */
public final class CocaModels {
  private static final List<String> ARCHITECTURES = List.of("coca-tiny", "coca-shapes", "coca-shapes-small");

  private CocaModels() {}

  public static List<String> architectures() {
    return ARCHITECTURES;
  }

  /** The registry's config for a CoCa architecture name, e.g. "coca-shapes". */
  public static CocaConfig config(String architecture) {
    JsonNode json = ARCHITECTURES.contains(architecture) ? Models.registryJson(architecture) : null;
    if (json == null) {
      throw new IllegalArgumentException("unknown CoCa architecture '" + architecture + "'; known: " + String.join(", ", ARCHITECTURES));
    }
    return CocaConfig.fromJson(json);
  }

  /** A new model of a registry architecture with seeded random weights. */
  public static LoadedCoca create(String architecture, long seed) {
    CocaConfig cfg = config(architecture);
    NDManager m = newManager();
    Coca model = new Coca(cfg);
    model.initialize(m, seed);
    return new LoadedCoca(architecture, null, model, PreprocessConfig.openai(cfg.vision().imageSize()), m);
  }

  /** True when {@code dir} is a model folder whose config describes CoCa. */
  public static boolean isCocaFolder(Path dir) throws IOException {
    return Models.isModelFolder(dir) && CocaConfig.isCoca(new ObjectMapper().readTree(dir.resolve(Models.CONFIG_FILE).toFile()).get("model_cfg"));
  }

  /** Loads a CoCa model folder strictly (every tensor present with its shape, nothing extra). */
  public static LoadedCoca load(Path dir) throws IOException {
    JsonNode root = Models.readFolderConfig(dir);
    if (!CocaConfig.isCoca(root.get("model_cfg"))) {
      throw new IllegalArgumentException(dir.resolve(Models.CONFIG_FILE) + " describes no CoCa model (its model_cfg has no multimodal_cfg)");
    }
    CocaConfig cfg = CocaConfig.fromJson(root.get("model_cfg"));
    PreprocessConfig pre = Models.preprocess(root, cfg.vision().imageSize());
    NDManager m = newManager();
    try {
      Coca model = new Coca(cfg);
      Models.loadWeights(model, dir, m);
      return new LoadedCoca(dir.getFileName().toString(), dir, model, pre, m);
    } catch (RuntimeException | IOException e) {
      m.close();
      throw e;
    }
  }

  /** A folder path or a registry name (random weights, seed 0). */
  public static LoadedCoca resolve(String nameOrPath) throws IOException {
    Path p = Path.of(nameOrPath);
    if (Files.isDirectory(p)) return load(p);
    if (ARCHITECTURES.contains(nameOrPath)) return create(nameOrPath, 0);
    throw new IllegalArgumentException("'" + nameOrPath + "' is neither a model folder nor a CoCa architecture ("
        + String.join(", ", ARCHITECTURES) + ")");
  }

  /** Writes the model in open_clip's hub layout. Tokenizer files, if the model needs its own, are the caller's to add. */
  public static void save(Coca model, PreprocessConfig pre, Path dir) throws IOException {
    Models.writeFolder(dir, model.config().toJson(new ObjectMapper()), pre, model.stateDict());
  }

  private static NDManager newManager() {
    Engines.ensureStarted();
    return NDManager.newBaseManager();
  }
}
