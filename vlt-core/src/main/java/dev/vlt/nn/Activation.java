package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Ops;

/** The MLP non-linearity: exact-erf GELU (open_clip's default) or the original CLIP's QuickGELU. */
public enum Activation {
  GELU,
  QUICK_GELU;

  public NDArray apply(NDArray x) {
    return this == GELU ? Ops.gelu(x) : Ops.quickGelu(x);
  }
}
