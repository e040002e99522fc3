package dev.vlt.tensor;

import ai.djl.ndarray.NDArray;

/** Receives named intermediates of a forward pass (for parity tests and analysis); {@link #NONE} ignores them. */
@FunctionalInterface
public interface Trace {
  void put(String name, NDArray value);

  Trace NONE = (name, value) -> {};

  /** This trace with {@code prefix} put before every name, so a sub-model can name its intermediates locally. */
  default Trace prefixed(String prefix) {
    if (this == NONE) return NONE;
    return (name, value) -> put(prefix + name, value);
  }
}
