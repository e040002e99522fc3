package dev.vlt.data;

import java.util.Iterator;

/**
 * A collection of samples. Sources with random access implement {@link IndexedSource} and the loader shuffles their
 * indices; streaming sources (tar shards) produce one epoch's order themselves, shuffled from the seed they are given.
 */
public interface DataSource {
  /** The samples of one epoch in order; {@code seed} differs per epoch. Bad records are skipped into {@code skips}. */
  Iterator<Sample> stream(long seed, SkipReport skips);

  /** The number of samples, or -1 when it is only known after reading everything. */
  long size();

  /** A short description for logs, e.g. {@code manifest train.jsonl (1533 samples)}. */
  String describe();

  /** The class names the samples' labels index; empty when labels are absent or plain integers. */
  default java.util.List<String> classNames() {
    return java.util.List.of();
  }

  /**
   * The texts that name class {@code label} the way this source's captions would (a text classifier averages their
   * embeddings, as CLIP's prompt ensembles do); by default the class name alone.
   */
  default java.util.List<String> classPrompts(int label) {
    return java.util.List.of(classNames().get(label));
  }
}
