package dev.vlt.io.hf;

import dev.vlt.models.LoadedModel;
import dev.vlt.models.ModelSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Lets {@code Models.load} and {@code --model DIR} read folders in transformers' CLIPModel layout. */
public final class HfClipSource implements ModelSource {
  @Override
  public Optional<LoadedModel> resolve(String name) {
    return Optional.empty();   // folders only; Models.resolve hands those to load()
  }

  @Override
  public boolean recognizes(Path dir) {
    return HfClipFolder.isHfClipFolder(dir);
  }

  @Override
  public LoadedModel load(Path dir) throws IOException {
    return HfClipFolder.load(dir);
  }

  @Override
  public String describe() {
    return "";   // no names of its own: its folders are model folders
  }
}
