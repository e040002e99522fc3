package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;

/** A lookup table [count, width]; rows are gathered by integer ids. */
public final class Embedding extends Module {
  private final Parameter weight;

  public Embedding(int count, int width, double initStd) {
    weight = param("weight", Init.normal(initStd), count, width);
  }

  /** ids: [B, L] integers → [B, L, width]. */
  public NDArray forward(NDArray ids) {
    NDArray i = ids.toType(DataType.INT64, false);
    return i.getNDArrayInternal().embedding(i, weight.value(), SparseFormat.DENSE).singletonOrThrow();
  }

  public Parameter weight() {
    return weight;
  }
}
