package dev.vlt.cli;

import dev.vlt.data.image.EvalTransform;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code vlt match} and {@code vlt vqa} share: the model, the (image, text) pairs from IMAGE arguments or
 * {@code --queries}, the tokenizer, batch size and threads, and the run itself: the model refused in one line when it
 * lacks the capability, unreadable images skipped, exit 1 when any was.
 */
final class PairOptions {
  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "A model folder, or a registry architecture (random weights).")
  String model;

  @Option(names = "--queries", paramLabel = "FILE", description = "JSON lines of pairs {\"image\": PATH, ...}, instead of IMAGE arguments (relative paths from FILE's folder).")
  Path queries;

  @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Image files (PNG, JPEG, anything ImageIO reads).")
  List<Path> images;

  @Option(names = "--tokenizer", paramLabel = "FILE", description = "Tokenizer file or folder instead of the model's own.")
  Path tokenizer;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "16", description = "Pairs per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Mixin ThreadsOption threads;

  /** Prints the JSON lines of one batch of work over every readable pair. */
  @FunctionalInterface
  interface Work<T> {
    void run(T model, ModelInputs inputs, ImagePairs.Loaded pairs) throws IOException;
  }

  /**
   * @param text the text every IMAGE is paired with (null with --queries); {@code textFlag} its flag and {@code key} its
   *     field in the queries file
   * @return the exit code: 0, or 1 when an image could not be read
   */
  <T> int run(Capability<T> capability, String text, String textFlag, String key, Work<T> work) throws IOException {
    if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
    List<ImagePairs.Pair> pairs = ImagePairs.of(images, text, queries, textFlag, key);
    threads.apply();
    try (LoadedModel lm = Models.resolve(model, tokenizer)) {
      T capable = lm.require(capability);
      ModelInputs inputs = new ModelInputs(new EvalTransform(lm.preprocess()), lm::tokenizer, batchSize);
      ImagePairs.Loaded loaded = ImagePairs.load(pairs);
      work.run(capable, inputs, loaded);
      System.out.flush();
      return loaded.failed() > 0 ? 1 : 0;
    }
  }
}
