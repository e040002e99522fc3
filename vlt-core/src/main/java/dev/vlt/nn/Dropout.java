package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Module;

/** Inverted dropout: active only in training mode. */
public final class Dropout extends Module {
  private final float p;

  public Dropout(double p) {
    if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
    this.p = (float) p;
  }

  public NDArray forward(NDArray x) {
    if (!isTraining() || p == 0f) return x;
    return x.getNDArrayInternal().dropout(x, p, true).singletonOrThrow();
  }
}
