package dev.vlt.cli;

import dev.vlt.index.IndexModels;
import dev.vlt.index.VectorIndex;
import dev.vlt.infer.Embedder;
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
  Embedder open(VectorIndex index) throws IOException {
    if (index != null) return IndexModels.open(index.info(), model, tokenizer);
    if (model == null) throw new IllegalArgumentException("give --model MODEL, --index INDEX_DIR, or both");
    return Embedder.open(model, tokenizer);
  }
}
