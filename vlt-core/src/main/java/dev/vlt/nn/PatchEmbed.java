package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;

/**
 * The ViT stem: a P×P convolution with stride P and no bias ({@code conv1.weight} [W, C, P, P]), i.e. a linear map of each
 * patch flattened in (c, ph, pw) order. Registered by its owner under the name "conv1" to match open_clip.
 */
public final class PatchEmbed extends Module {
  private final Parameter weight;
  private final int patch;

  public PatchEmbed(int channels, int width, int patch) {
    this.patch = patch;
    weight = param("weight", new Init.FanInUniform(), width, channels, patch, patch);
  }

  /** images: [B, C, H, W] → feature map [B, W, H/P, W/P]. */
  public NDArray forward(NDArray images) {
    Shape stride = new Shape(patch, patch);
    return images.getNDArrayInternal()
        .convolution(images, weight.value(), null, stride, new Shape(0, 0), new Shape(1, 1), 1)
        .singletonOrThrow();
  }
}
