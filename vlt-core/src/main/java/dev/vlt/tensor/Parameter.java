package dev.vlt.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * A learnable tensor of a {@link Module}. Its value is created by {@link Module#initialize} (seeded, from {@link Init}) or
 * replaced by a checkpoint load; its full dotted name is given by the module tree, not stored here.
 */
public final class Parameter {
  private final Shape shape;
  private final Init init;
  private NDArray value;
  private boolean frozen;

  Parameter(Shape shape, Init init) {
    this.shape = shape;
    this.init = init;
  }

  public Shape shape() {
    return shape;
  }

  public Init init() {
    return init;
  }

  public boolean isInitialized() {
    return value != null;
  }

  public NDArray value() {
    if (value == null) throw new IllegalStateException("parameter not initialized: call Module.initialize or load a checkpoint");
    return value;
  }

  /** Replaces the value, closing the previous one. The new array must have this parameter's shape. */
  public void set(NDArray newValue) {
    if (!newValue.getShape().equals(shape)) {
      throw new IllegalArgumentException("shape " + newValue.getShape() + " does not match parameter shape " + shape);
    }
    NDArray old = value;
    value = newValue;
    value.setRequiresGradient(!frozen);
    if (old != null && old != newValue) old.close();
  }

  /** A frozen parameter gets no gradient and is skipped by optimizers (LiT-style tower locking). */
  public boolean isFrozen() {
    return frozen;
  }

  public void setFrozen(boolean frozen) {
    this.frozen = frozen;
    if (value != null) value.setRequiresGradient(!frozen);
  }

  public long numel() {
    return shape.size();
  }
}
