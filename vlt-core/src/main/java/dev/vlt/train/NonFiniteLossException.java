package dev.vlt.train;

/** A step produced a NaN or infinite loss or gradient; the run stopped before the update reached the weights. */
public final class NonFiniteLossException extends RuntimeException {
  private final long step;

  public NonFiniteLossException(long step, String message) {
    super(message);
    this.step = step;
  }

  /** The step (1-based) whose loss or gradient was not finite. */
  public long step() {
    return step;
  }
}
