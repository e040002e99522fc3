package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;

/**
 * The ViT stem: a P×P convolution with stride P ({@code weight} [W, C, P, P]), i.e. a linear map of each patch flattened in
 * (c, ph, pw) order. open_clip's has no bias and is registered as "conv1"; torchvision's ({@code conv_proj}) has one.
 */
public final class PatchEmbed extends Module {
  private final Parameter weight;
  private final Parameter bias;
  private final int patch;

  public PatchEmbed(int channels, int width, int patch) {
    this(channels, width, patch, false);
  }

  public PatchEmbed(int channels, int width, int patch, boolean withBias) {
    this.patch = patch;
    weight = param("weight", new Init.FanInUniform(), width, channels, patch, patch);
    bias = withBias ? param("bias", Init.ZEROS, width) : null;
  }

  /** images: [B, C, H, W] → feature map [B, W, H/P, W/P]. */
  public NDArray forward(NDArray images) {
    Shape stride = new Shape(patch, patch);
    return images.getNDArrayInternal()
        .convolution(images, weight.value(), bias == null ? null : bias.value(), stride, new Shape(0, 0), new Shape(1, 1), 1)
        .singletonOrThrow();
  }
}
