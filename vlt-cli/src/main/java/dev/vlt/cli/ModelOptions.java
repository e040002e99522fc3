package dev.vlt.cli;

import dev.vlt.infer.Embedder;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model} and {@code --tokenizer}, the same on every command that encodes images or text. */
final class ModelOptions {
  @Option(names = "--model", required = true, paramLabel = "MODEL",
      description = "A model folder (open_clip or transformers layout), a pretrained name ARCH:TAG (downloaded on first use), or a registry architecture (random weights).")
  String model;

  @Option(names = "--tokenizer", paramLabel = "FILE",
      description = "Tokenizer instead of the model's: a CLIP merges file (.gz/.txt), tokenizer.json, or a folder with vocab.json + merges.txt.")
  Path tokenizer;

  Embedder open() throws IOException {
    return Embedder.open(model, tokenizer);
  }
}
