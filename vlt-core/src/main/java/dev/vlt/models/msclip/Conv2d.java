package dev.vlt.models.msclip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;

/** A 2-D convolution as torch.nn.Conv2d stores it: {@code weight} [out, in/groups, k, k], optional {@code bias} [out]. */
final class Conv2d extends Module {
  private final Parameter weight;
  private final Parameter bias;
  private final int stride;
  private final int padding;
  private final int groups;

  Conv2d(int in, int out, int kernel, int stride, int padding, int groups, boolean withBias) {
    if (in % groups != 0 || out % groups != 0) {
      throw new IllegalArgumentException("conv groups " + groups + " must divide channels " + in + " → " + out);
    }
    weight = param("weight", new Init.FanInUniform(), out, in / groups, kernel, kernel);
    bias = withBias ? param("bias", Init.ZEROS, out) : null;
    this.stride = stride;
    this.padding = padding;
    this.groups = groups;
  }

  /** x: [B, in, H, W] → [B, out, H', W']. */
  NDArray forward(NDArray x) {
    return x.getNDArrayInternal()
        .convolution(x, weight.value(), bias == null ? null : bias.value(), new Shape(stride, stride),
            new Shape(padding, padding), new Shape(1, 1), groups)
        .singletonOrThrow();
  }
}
