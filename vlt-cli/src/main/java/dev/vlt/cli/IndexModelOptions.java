package dev.vlt.cli;

import dev.vlt.index.IndexModels;
import dev.vlt.index.VectorIndex;
import dev.vlt.infer.Embedder;
import dev.vlt.infer.Engine;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model} and {@code --tokenizer} where an index already records its model: both optional, a given model must match. */
final class IndexModelOptions {
  @Option(names = "--model", paramLabel = "MODEL",
      description = "The model to embed queries (default: the one the index records; must be the same weights).")
  String model;

  @Option(names = "--tokenizer", paramLabel = "FILE", description = "Tokenizer instead of the one the index (or model) records.")
  Path tokenizer;

  /** The index's model, or {@code --model} (required then) when there is no index. */
  @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "djl", converter = EngineConverter.class,
      description = "What runs the model: djl (PyTorch, default), onnx (ONNX Runtime on the exported graphs), onnx-int8 or onnx-int8-all.")
  Engine engine;

  Embedder open(VectorIndex index) throws IOException {
    if (index != null) return ModelOptions.withEngine(IndexModels.open(index.info(), model, tokenizer), engine);
    if (model == null) throw new IllegalArgumentException("give --model MODEL, --index INDEX_DIR, or both");
    return ModelOptions.withEngine(Embedder.open(model, tokenizer), engine);
  }
}
