package dev.vlt.index;

import dev.vlt.data.ImageSource;
import java.util.Map;
import java.util.Objects;

/**
 * One image of a collection as the index stores it.
 *
 * @param key unique within the collection and stable across runs: an absolute file path, or a sample id
 * @param name what people see: the path relative to the collection folder, or the sample id
 * @param caption the sample's caption(s), or null
 * @param metadata small string facts (label, folder), stored and returned with hits
 * @param stamp what says "unchanged" without decoding (size + mtime of a file), or null: then the decoded pixels are hashed
 * @param image where the pixels come from; null for entries written without an image (synthetic vectors)
 */
public record IndexItem(String key, String name, String caption, Map<String, String> metadata, String stamp, ImageSource image) {
  public IndexItem {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(name, "name");
    metadata = Map.copyOf(metadata);
  }

  /** An entry that only carries a vector (benchmarks, tests). */
  public static IndexItem synthetic(String key) {
    return new IndexItem(key, key, null, Map.of(), "-", null);
  }
}
