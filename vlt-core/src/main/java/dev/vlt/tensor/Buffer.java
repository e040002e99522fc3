package dev.vlt.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Non-trainable state a {@link Module} keeps in its checkpoint, as torch's {@code register_buffer}: it is saved and loaded
 * strictly with the parameters, but never gets a gradient and no optimizer sees it (e.g. ALBEF's feature queues). Unlike a
 * parameter it keeps its own dtype (an id queue is int64).
 */
public final class Buffer {
  private final Shape shape;
  private final DataType type;
  private final Init init;
  private NDArray value;

  Buffer(Shape shape, DataType type, Init init) {
    this.shape = shape;
    this.type = type;
    this.init = init;
  }

  public Shape shape() {
    return shape;
  }

  public DataType dataType() {
    return type;
  }

  public Init init() {
    return init;
  }

  public NDArray value() {
    if (value == null) throw new IllegalStateException("buffer not initialized: call Module.initialize or load a checkpoint");
    return value;
  }

  /**
   * Replaces the value, closing the previous one. The caller owns the new array's lifetime (as for a parameter): state that
   * changes during training is updated in place instead, so it never belongs to a step's scope.
   */
  public void set(NDArray newValue) {
    if (!newValue.getShape().equals(shape)) {
      throw new IllegalArgumentException("shape " + newValue.getShape() + " does not match buffer shape " + shape);
    }
    if (newValue.getDataType() != type) {
      throw new IllegalArgumentException("data type " + newValue.getDataType() + " does not match buffer type " + type);
    }
    NDArray old = value;
    value = newValue;
    if (old != null && old != newValue) old.close();
  }

  public long numel() {
    return shape.size();
  }
}
