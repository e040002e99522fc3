package dev.vlt.models;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where models come from besides the bundled architectures and open_clip folders: pretrained tags fetched from the
 * Hugging Face hub, or folders in a foreign layout. Implementations are found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.vlt.models.ModelSource}), so {@code models} does not import the packages that download
 * or convert; imports keep pointing one way.
 */
public interface ModelSource {
  /** The model this source knows by {@code name}, or empty when the name is not of this source's kind. */
  Optional<LoadedModel> resolve(String name) throws IOException;

  /** True when {@code dir} holds a model in a layout this source reads. */
  boolean recognizes(Path dir);

  /** Loads a folder this source {@link #recognizes}. */
  LoadedModel load(Path dir) throws IOException;

  /** What names this source accepts, for the error that lists what {@code --model} takes, e.g. "ARCH:TAG pretrained". */
  String describe();
}
