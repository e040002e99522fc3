package dev.vlt.train;

import ai.djl.ndarray.NDManager;

/**
 * Where training batches come from. A source is a deterministic function of its position, so a checkpoint that stores
 * {@link #position()} resumes the exact batch sequence with {@link #seek}. (The data loader of {@code dev.vlt.data}
 * fits behind this interface: its {@code Loader.Position} is the same pair.)
 */
public interface BatchSource extends AutoCloseable {
  /**
   * A place in the data: {@code index} samples into epoch {@code epoch}. Both count from 0.
   */
  record Position(int epoch, long index) {
    public static final Position START = new Position(0, 0);

    public Position {
      if (epoch < 0 || index < 0) throw new IllegalArgumentException("data position (" + epoch + ", " + index + ") is negative");
    }
  }

  /** The next batch; its arrays are created in {@code manager} (the caller's step scope closes them). */
  TrainBatch next(NDManager manager);

  /** Where the next batch starts. */
  Position position();

  /** Continues from {@code position} (as saved from {@link #position()}). */
  void seek(Position position);

  int batchSize();

  /** A short description for logs, e.g. "shapes (1-2 objects, 64 px)". */
  String describe();

  @Override
  default void close() {}
}
