package dev.vlt.spark;

import java.io.Serializable;

/**
 * One Spark task's share of a collection, fixed by the driver before any task runs: samples {@code [from, to)} of an
 * indexed source, or one whole shard. A retried task reads exactly the same samples again, so every sample belongs to
 * exactly one task whatever the retries.
 *
 * @param source the {@code --data} spec the executor opens (an absolute path, a shard path or a bundled set's name)
 * @param from first sample index, or -1 for a whole shard
 * @param to one past the last sample index, or -1 for a whole shard
 * @param duplicates indices in {@code [from, to)} whose id an earlier sample already has (skipped, not embedded)
 */
record Slice(String source, int from, int to, int[] duplicates) implements Serializable {
  static Slice shard(String path) {
    return new Slice(path, -1, -1, new int[0]);
  }

  boolean wholeShard() {
    return from < 0;
  }
}
