package dev.vlt.tensor;

import ai.djl.ndarray.NDArray;

/** Receives named intermediates of a forward pass (for parity tests and analysis); {@link #NONE} ignores them. */
@FunctionalInterface
public interface Trace {
  void put(String name, NDArray value);

  Trace NONE = (name, value) -> {};
}
