package dev.vlt.spark;

import dev.vlt.data.DataSource;
import dev.vlt.data.DataSources;
import dev.vlt.data.IndexedSource;
import dev.vlt.data.SkipReport;
import dev.vlt.data.WebDatasetSource;
import dev.vlt.infer.Embedder;
import dev.vlt.models.Models;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkFiles;

/**
 * What an executor JVM keeps between tasks: each model and each indexed source is opened once per JVM, when its first
 * task needs it, and shared by the task threads (the Embedder is safe for concurrent callers). Weights are read from the
 * model folder on the executor, never broadcast.
 */
final class ExecutorState {
  private static final Map<String, Embedder> MODELS = new ConcurrentHashMap<>();
  private static final Map<String, IndexedSource> SOURCES = new ConcurrentHashMap<>();

  private ExecutorState() {}

  /** The model folder on this JVM: the shipped copy, or the path or name as given. */
  static String modelPath(EmbedOptions o) {
    return o.shipped() ? SparkFiles.get(o.model()) : o.model();
  }

  static Embedder embedder(EmbedOptions o) {
    String path = modelPath(o);
    return MODELS.computeIfAbsent(path + "\u0000" + o.tokenizer() + "\u0000" + o.batchSize(), k -> {
      try {
        return new Embedder(Models.resolve(path, o.tokenizer() == null ? null : Path.of(o.tokenizer())), o.batchSize());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot load the model " + path + ": " + e.getMessage(), e);
      }
    });
  }

  /** Models loaded so far in this JVM (tests check that tasks share them). */
  static int modelsLoaded() {
    return MODELS.size();
  }

  static IndexedSource indexed(String spec) {
    return SOURCES.computeIfAbsent(spec, s -> {
      try {
        DataSource source = DataSources.open(s, SkipReport.quiet()); // the driver already reported malformed records
        if (!(source instanceof IndexedSource indexed)) throw new IllegalStateException(s + " is no longer an indexed source");
        return indexed;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open " + s + ": " + e.getMessage(), e);
      }
    });
  }

  /** One shard, read in its own order. */
  static WebDatasetSource shard(String path) {
    return WebDatasetSource.open(path, 1);
  }
}
