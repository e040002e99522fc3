package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;
import java.util.Arrays;

/**
 * A patch stem: a convolution whose stride equals its kernel, i.e. a linear map of each non-overlapping patch flattened in
 * (c, kernel axes…) order. Two-dimensional over images, kernel P×P, {@code weight} [W, C, P, P]: open_clip's
 * {@code conv1} has no bias, timm's {@code patch_embed.proj} and torchvision's {@code conv_proj} have one.
 * Three-dimensional over video ({@link #tubelet}): VideoMAE's tubelet embedding, kernel (k_t, P, P) over
 * [B, C, T, H, W], {@code weight} [W, C, k_t, P, P]. Its owner registers it under its checkpoint name.
 */
public final class PatchEmbed extends Module {
  private final Parameter weight;
  private final Parameter bias;
  private final Shape kernel;

  /** open_clip's image stem: P×P, no bias. */
  public PatchEmbed(int channels, int width, int patch) {
    this(channels, width, patch, false);
  }

  /** An image stem: P×P, with or without a bias [W]. */
  public PatchEmbed(int channels, int width, int patch, boolean withBias) {
    this(channels, width, withBias, new int[] {patch, patch});
  }

  /** A video stem: k_t×P×P tubelets of [B, C, T, H, W] clips, with or without a bias [W]. */
  public static PatchEmbed tubelet(int channels, int width, int tubelet, int patch, boolean withBias) {
    return new PatchEmbed(channels, width, withBias, new int[] {tubelet, patch, patch});
  }

  /** @param kernel the patch size per spatial (or temporal and spatial) axis: (P, P) for images, (k_t, P, P) for video */
  private PatchEmbed(int channels, int width, boolean withBias, int[] kernel) {
    long[] shape = new long[2 + kernel.length];
    shape[0] = width;
    shape[1] = channels;
    long[] k = new long[kernel.length];
    for (int i = 0; i < kernel.length; i++) {
      if (kernel[i] <= 0) throw new IllegalArgumentException("patch kernel sizes must be positive, got " + kernel[i]);
      shape[2 + i] = kernel[i];
      k[i] = kernel[i];
    }
    this.kernel = new Shape(k);
    weight = param("weight", new Init.FanInUniform(), shape);
    bias = withBias ? param("bias", Init.ZEROS, width) : null;
  }

  /**
   * images [B, C, H, W] → feature map [B, W, H/P, W/P]; with a 3-D kernel, video [B, C, T, H, W] → [B, W, T/k_t, H/P, W/P].
   */
  public NDArray forward(NDArray x) {
    int axes = kernel.dimension();
    if (x.getShape().dimension() != axes + 2) {
      throw new IllegalArgumentException("a " + axes + "-D patch stem takes [B, C" + (axes == 3 ? ", T" : "") + ", H, W], got "
          + x.getShape());
    }
    for (int i = 0; i < axes; i++) {
      long size = x.getShape().get(2 + i);
      if (size % kernel.get(i) != 0) {
        throw new IllegalArgumentException("input size " + size + " is not divisible by the patch size " + kernel.get(i)
            + " (input " + x.getShape() + ")");
      }
    }
    long[] zeros = new long[axes];
    long[] ones = new long[axes];
    Arrays.fill(ones, 1);
    return x.getNDArrayInternal()
        .convolution(x, weight.value(), bias == null ? null : bias.value(), kernel, new Shape(zeros), new Shape(ones), 1)
        .singletonOrThrow();
  }
}
