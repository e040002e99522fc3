package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;

/** y = x·Wᵀ + b with W stored [out, in], as torch.nn.Linear. */
public final class Linear extends Module {
  private final Parameter weight;
  private final Parameter bias;

  public Linear(int in, int out) {
    this(in, out, true);
  }

  public Linear(int in, int out, boolean withBias) {
    this(in, out, withBias, new Init.FanInUniform());
  }

  /** With its own weight initialisation (e.g. zeros for a branch that must start as the identity); the bias starts at 0. */
  public Linear(int in, int out, boolean withBias, Init weightInit) {
    weight = param("weight", weightInit, out, in);
    bias = withBias ? param("bias", Init.ZEROS, out) : null;
  }

  /** x: [..., in] → [..., out]. */
  public NDArray forward(NDArray x) {
    return Ops.linear(x, weight.value(), bias == null ? null : bias.value());
  }

  public Parameter weight() {
    return weight;
  }
}
