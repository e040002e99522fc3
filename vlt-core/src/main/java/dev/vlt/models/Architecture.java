package dev.vlt.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vlt.tensor.Module;
import java.util.List;
import java.util.function.Function;

/**
 * One kind of model vlt can build: what {@code "arch"} in a model folder's config names. It reads its config (which
 * builds the module tree), and says what the model can do ({@link Capability}, from the module's type) and which training
 * tasks it takes (names the trainer's task table knows; the first is the default).
 *
 * @param name the registry name, e.g. "clip", as written in {@code open_clip_config.json}
 * @param title how people write it, e.g. "MS-CLIP"
 * @param description one line: the paper and what the model is
 * @param moduleType the module class its configs create
 */
public record Architecture(String name, String title, String description, Class<? extends Module> moduleType,
    Function<JsonNode, ModelConfig> reader, List<String> tasks) {
  public Architecture {
    tasks = List.copyOf(tasks);
    if (tasks.isEmpty()) throw new IllegalArgumentException("architecture " + name + " lists no training task");
  }

  /** Reads a {@code model_cfg} object strictly: unknown or malformed fields are errors naming the field. */
  public ModelConfig readConfig(JsonNode modelCfg) {
    ModelConfig c = reader.apply(modelCfg);
    if (!c.arch().equals(name)) throw new IllegalStateException(name + " read a config of " + c.arch());
    return c;
  }

  public List<Capability<?>> capabilities() {
    return Capability.all(moduleType);
  }

  /** The task {@code vlt train} runs when none is named. */
  public String defaultTask() {
    return tasks.get(0);
  }
}
