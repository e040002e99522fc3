package dev.vlt.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.tensor.Module;

/** The average of the patch tokens (open_clip's {@code pool_type: avg}); the class token is left out. No parameters. */
public final class MeanTokens extends Module implements Pooling {
  static final String TYPE = "avg";

  /** tokens [B, 1 + N, W] → [B, W]. */
  @Override
  public NDArray forward(NDArray tokens) {
    return patches(tokens).mean(new int[] {1});
  }

  @Override
  public String type() {
    return TYPE;
  }

  /** tokens [B, 1 + N, W] → the patch tokens [B, N, W]. */
  static NDArray patches(NDArray tokens) {
    return tokens.get(new NDIndex(":, 1:"));
  }
}
