package dev.vlt.cli;

import dev.vlt.tensor.Engines;
import picocli.CommandLine.Option;

/** {@code --threads N}: native compute threads (default: all cores). The launcher also exports OMP_NUM_THREADS. */
public final class ThreadsOption {
  @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: all cores).")
  Integer threads;

  /** Starts the engine with the requested thread count. */
  public void apply() {
    Engines.ensureStarted();
    if (threads != null) Engines.setThreads(threads);
  }
}
