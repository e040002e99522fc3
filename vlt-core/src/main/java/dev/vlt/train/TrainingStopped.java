package dev.vlt.train;

import java.nio.file.Path;

/** A training that had to run to its end was stopped early (a {@link StopRequest}), its checkpoint saved in {@link #run}. */
public final class TrainingStopped extends RuntimeException {
  private final Path run;
  private final long step;

  public TrainingStopped(Path run, long step) {
    super("stopped at step " + step + "; checkpoint saved in " + run + " (vlt train --resume --out " + run + " continues it)");
    this.run = run;
    this.step = step;
  }

  public Path run() {
    return run;
  }

  public long step() {
    return step;
  }
}
