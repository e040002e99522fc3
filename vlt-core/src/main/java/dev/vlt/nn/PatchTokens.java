package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;

/**
 * A ViT's token sequence from its patch feature map: the patches in row-major order after a learned class token, plus a
 * learned positional embedding ({@code class_embedding} [W], {@code positional_embedding} [1 + g², W], both drawn from
 * N(0, W^-1/2) as open_clip does). Owners register it inline, so the two keys sit beside their {@code conv1}.
 */
public final class PatchTokens extends Module {
  private final int width;
  private final Parameter classEmbedding;
  private final Parameter positionalEmbedding;

  /** @param grid patches per side (g) */
  public PatchTokens(int width, int grid) {
    this.width = width;
    double scale = Math.pow(width, -0.5);
    classEmbedding = param("class_embedding", Init.normal(scale), width);
    positionalEmbedding = param("positional_embedding", Init.normal(scale), (long) grid * grid + 1, width);
  }

  /** patch map [B, W, g, g] → tokens [B, 1 + g², W], the class token first. */
  public NDArray forward(NDArray patchMap) {
    long b = patchMap.getShape().get(0);
    NDArray patches = patchMap.reshape(b, width, -1).transpose(0, 2, 1);                // [B, g², W], row-major grid
    NDArray cls = classEmbedding.value().toType(patches.getDataType(), false).reshape(1, 1, width).repeat(0, b);
    return NDArrays.concat(new NDList(cls, patches), 1).add(positionalEmbedding.value());
  }
}
