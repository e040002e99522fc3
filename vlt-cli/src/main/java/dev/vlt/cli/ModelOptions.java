package dev.vlt.cli;

import dev.vlt.infer.Embedder;
import dev.vlt.infer.Engine;
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

  @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "djl", converter = EngineConverter.class,
      description = "What runs the model: djl (PyTorch, default), onnx (ONNX Runtime on the exported graphs) onnx-int8 (int8 attention and MLP weights) or onnx-int8-all (and the projections).")
  Engine engine;

  Embedder open() throws IOException {
    return withEngine(Embedder.open(model, tokenizer), engine);
  }

  /** The embedder on {@code engine}; closes it when the engine cannot take the model. */
  static Embedder withEngine(Embedder e, Engine engine) {
    try {
      return e.withEngine(engine);
    } catch (RuntimeException ex) {
      e.close();
      throw ex;
    }
  }
}
