package dev.vlt.train;

/**
 * A process-wide request to stop training, set from a shutdown hook when the process gets Ctrl-C or SIGTERM. Every
 * {@link Trainer} checks it between steps, checkpoints and returns {@link Trainer.Outcome#STOPPED}, so a command that
 * runs several trainings in a row (a quickstart's stages, an experiment's runs) stops at the step boundary of whichever
 * one is running, instead of the JVM exiting under a native backward pass (which crashes libtorch during its static
 * teardown).
 */
public final class StopRequest {
  private static volatile boolean requested;

  private StopRequest() {}

  public static void request() {
    requested = true;
  }

  public static boolean requested() {
    return requested;
  }

  /** For tests and for a process that starts another command after a stop. */
  public static void clear() {
    requested = false;
  }
}
