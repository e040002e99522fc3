package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Module;

/**
 * torchmultimodal's one-hidden-layer MLP without dropout: an nn.Sequential named {@code model} holding Linear,
 * activation, Linear, so its keys are {@code model.0} and {@code model.2}.
 */
public final class SequentialMlp extends Module {
  private final Mlp model;

  public SequentialMlp(int width, int hidden, Activation act) {
    model = child("model", Mlp.torchmultimodal(width, hidden, act));
  }

  /** x: [..., width] → [..., width]. */
  public NDArray forward(NDArray x) {
    return model.forward(x);
  }
}
