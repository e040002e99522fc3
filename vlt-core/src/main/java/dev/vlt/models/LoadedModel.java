package dev.vlt.models;

import ai.djl.ndarray.NDManager;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.tensor.Module;
import dev.vlt.tokenize.Tokenizer;
import dev.vlt.tokenize.Tokenizers;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A model ready to use, whatever its architecture: its config and module, its preprocessing, its tokenizer (found on first
 * use) and the manager that owns its weights (closed with it). Commands ask it for capabilities with {@link #require}.
 */
public final class LoadedModel implements AutoCloseable {
  private final String name;
  private final Path folder;
  private final ModelConfig config;
  private final Module module;
  private final PreprocessConfig preprocess;
  private final NDManager manager;
  private final Path tokenizerOverride;
  private Tokenizer tokenizer;

  /**
   * @param folder the model folder (its tokenizer files are looked up there), or null for a registry model with fresh weights
   * @param tokenizerOverride a tokenizer file or folder to use instead of the model's own, or null
   */
  public LoadedModel(String name, Path folder, ModelConfig config, Module module, PreprocessConfig preprocess,
      NDManager manager, Path tokenizerOverride) {
    this.name = name;
    this.folder = folder;
    this.config = config;
    this.module = module;
    this.preprocess = preprocess;
    this.manager = manager;
    this.tokenizerOverride = tokenizerOverride;
  }

  /** The same model with another tokenizer (a file or folder); shares the weights, so close only one of the two. */
  public LoadedModel withTokenizer(Path override) {
    return override == null ? this : new LoadedModel(name, folder, config, module, preprocess, manager, override);
  }

  public String name() {
    return name;
  }

  /** The model folder, or null for a registry model with fresh weights. */
  public Path folder() {
    return folder;
  }

  public ModelConfig config() {
    return config;
  }

  public Architecture architecture() {
    return Architectures.get(config.arch());
  }

  /** The module tree: named parameters, train/eval mode. */
  public Module module() {
    return module;
  }

  public PreprocessConfig preprocess() {
    return preprocess;
  }

  public NDManager manager() {
    return manager;
  }

  /** The model's tokenizer: the override, else its folder's tokenizer files, else CLIP's BPE where the vocabulary is CLIP's. */
  public synchronized Tokenizer tokenizer() {
    if (config.tokenizerSpec() == null) {
      throw new IllegalArgumentException(describe() + " is a " + architecture().title() + " model and reads no text");
    }
    if (tokenizer == null) tokenizer = Tokenizers.resolve(folder, config.tokenizerSpec(), tokenizerOverride, describe());
    return tokenizer;
  }

  public boolean has(Capability<?> capability) {
    return capability.of(module.getClass()) && !(module instanceof ModelModule mm && !mm.offers(capability));
  }

  /** The model as the capability's interface, or one line saying the model lacks it. */
  public <T> T require(Capability<T> capability) {
    if (!has(capability)) {
      throw new IllegalArgumentException(describe() + " is a " + architecture().title() + " model and cannot " + capability.action()
          + " (it has no " + capability.name() + " capability; it has: " + capabilityNames() + ")");
    }
    return capability.type().cast(module);
  }

  public List<Capability<?>> capabilities() {
    return Capability.ALL.stream().filter(this::has).toList();
  }

  /**
   * The module as its own class, for code written for one architecture (its analysis, its tests); commands use
   * {@link #require} instead.
   */
  public <M extends Module> M as(Class<M> type) {
    if (!type.isInstance(module)) {
      throw new IllegalArgumentException(describe() + " is a " + architecture().title() + " model, and this needs a "
          + type.getSimpleName());
    }
    return type.cast(module);
  }

  /** The folder, or the registry name. */
  public String describe() {
    return folder != null ? folder.toString() : name;
  }

  private String capabilityNames() {
    List<Capability<?>> all = capabilities();
    return all.isEmpty() ? "none" : all.stream().map(Capability::name).collect(Collectors.joining(", "));
  }

  @Override
  public void close() {
    manager.close();
  }
}
