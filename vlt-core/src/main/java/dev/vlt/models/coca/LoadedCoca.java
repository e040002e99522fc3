package dev.vlt.models.coca;

import ai.djl.ndarray.NDManager;
import dev.vlt.data.image.PreprocessConfig;
import java.nio.file.Path;

/**
 * A CoCa model with what it needs to be used: its preprocessing and the manager that owns its weights (closed with it).
 *
 * @param folder the model folder, or null for a registry model with fresh weights
 */
public record LoadedCoca(String name, Path folder, Coca coca, PreprocessConfig preprocess, NDManager manager)
    implements AutoCloseable {
  @Override
  public void close() {
    manager.close();
  }
}
