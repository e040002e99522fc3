package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;

/** LayerNorm over the last axis with biased variance and an affine transform. */
public final class LayerNorm extends Module {
  private final Parameter weight;
  private final Parameter bias;
  private final double eps;

  public LayerNorm(int width) {
    this(width, 1e-5);
  }

  public LayerNorm(int width, double eps) {
    this.weight = param("weight", Init.ONES, width);
    this.bias = param("bias", Init.ZEROS, width);
    this.eps = eps;
  }

  public NDArray forward(NDArray x) {
    return Ops.layerNorm(x, weight.value(), bias.value(), eps);
  }
}
