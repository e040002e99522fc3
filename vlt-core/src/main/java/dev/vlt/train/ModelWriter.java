package dev.vlt.train;

import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.Models;
import dev.vlt.tensor.Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Writes a trained model as a model folder: weights and config, and the tokenizer files it needs beside them. */
@FunctionalInterface
public interface ModelWriter {
  void write(Path dir) throws IOException;

  /** The model folder of {@code module}, with {@code tokenizerFiles} copied in (empty for CLIP's own BPE). */
  static ModelWriter of(ModelConfig cfg, Module module, PreprocessConfig preprocess, List<Path> tokenizerFiles) {
    List<Path> files = List.copyOf(tokenizerFiles);
    return dir -> {
      Models.save(cfg, module, preprocess, dir);
      for (Path f : files) Files.copy(f, dir.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
    };
  }

  /** For tasks whose model is never written (benchmarks). */
  ModelWriter NONE = dir -> {
    throw new UnsupportedOperationException("this task's model is not saved");
  };
}
