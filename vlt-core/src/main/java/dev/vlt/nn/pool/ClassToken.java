package dev.vlt.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.tensor.Module;

/** The class token's final state (ViT, CLIP): token 0. No parameters. */
public final class ClassToken extends Module implements Pooling {
  static final String TYPE = "tok";

  /** tokens [B, 1 + N, W] → [B, W]. */
  @Override
  public NDArray forward(NDArray tokens) {
    return tokens.get(new NDIndex(":, 0"));
  }

  @Override
  public String type() {
    return TYPE;
  }
}
