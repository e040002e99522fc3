package dev.vlt.models;

import dev.vlt.data.image.PreprocessConfig;

import ai.djl.ndarray.NDManager;
import dev.vlt.models.clip.Clip;
import java.nio.file.Path;

/**
 * A model with what it needs to be used: its preprocessing and the manager that owns its weights (closed with it).
 *
 * @param folder the model folder, or null for a registry model with fresh weights
 */
public record LoadedModel(String name, Path folder, Clip clip, PreprocessConfig preprocess, NDManager manager)
    implements AutoCloseable {
  @Override
  public void close() {
    manager.close();
  }
}
