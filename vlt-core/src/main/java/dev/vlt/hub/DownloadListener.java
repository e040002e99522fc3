package dev.vlt.hub;

import java.nio.file.Path;

/**
 * Hears how downloads go, e.g. to draw progress bars; the core library stays free of any terminal code. Calls for one
 * file come from one thread at a time, but not always the caller's.
 */
public interface DownloadListener {
  /** Bytes start to flow for {@code file}; {@code total} is -1 when unknown, {@code from} > 0 when resuming. */
  default void started(String file, long total, long from) {}

  /** {@code done} bytes of {@code file} are on disk. */
  default void progressed(String file, long done) {}

  /** {@code file} is verified and in place (or was already in the cache). */
  default void finished(String file, Path path, boolean fromCache) {}

  /** An attempt failed and the download will try again, resuming what it has. */
  default void retrying(String file, int attempt, String reason) {}

  DownloadListener NONE = new DownloadListener() {};
}
