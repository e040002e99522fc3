package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.ModuleList;

/** A stack of {@link PostNormBlock}s, {@code layer.N} in checkpoints (torchmultimodal's TransformerEncoder, BERT's encoder). */
public final class PostNormEncoder extends Module {
  private final ModuleList<PostNormBlock> layers;

  public PostNormEncoder(int width, int layers, int heads, int hidden, double eps) {
    this.layers = child("layer", new ModuleList<>());
    for (int i = 0; i < layers; i++) this.layers.add(new PostNormBlock(width, heads, hidden, eps));
  }

  /** x: [B, L, W]; mask additive, broadcastable to [B, heads, L, L], or null. */
  public NDArray forward(NDArray x, NDArray mask) {
    for (PostNormBlock layer : layers.items()) x = layer.forward(x, mask);
    return x;
  }
}
