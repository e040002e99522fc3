package dev.vlt.spark;

import java.io.Serializable;

/**
 * What an embedding job's tasks need to know, shipped with every task (small: no weights, no images).
 *
 * @param model a model folder every executor can read, a registry name, or the name of a folder shipped with
 *     {@code SparkContext.addFile} when {@code shipped}
 * @param shipped whether {@code model} is to be found through {@code SparkFiles.get}
 * @param tokenizer a tokenizer file override, or null (only text embedding uses it; kept so the model loads as given)
 * @param batchSize images per forward pass
 * @param threadsPerTask native compute threads of each task thread (its share of the executor's cores)
 * @param failPartition test hook: the partition whose first attempt throws after {@code failAfterRows} rows; -1 for none
 * @param failAfterRows rows the failing attempt produces before it throws
 */
record EmbedOptions(String model, boolean shipped, String tokenizer, int batchSize, int threadsPerTask, int failPartition,
    int failAfterRows) implements Serializable {
  EmbedOptions {
    if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
    if (threadsPerTask < 1) throw new IllegalArgumentException("--threads-per-task must be at least 1, got " + threadsPerTask);
  }
}
