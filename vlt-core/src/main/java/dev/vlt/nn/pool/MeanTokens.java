package dev.vlt.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.tensor.Module;

/**
 * The average of the patch tokens (open_clip's {@code pool_type: avg}, timm's {@code global_pool='avg'}); the prefix
 * (class) tokens are left out, though they took part in attention. No parameters.
 */
public final class MeanTokens extends Module implements Pooling {
  static final String TYPE = "avg";

  private final int prefixTokens;

  /** For a tower with one class token. */
  public MeanTokens() {
    this(1);
  }

  /** @param prefixTokens tokens before the patches that the mean leaves out (0 for a ViT without a class token) */
  public MeanTokens(int prefixTokens) {
    if (prefixTokens < 0) throw new IllegalArgumentException("prefix tokens must be ≥ 0, got " + prefixTokens);
    this.prefixTokens = prefixTokens;
  }

  /** tokens [B, P + N, W] → [B, W]. */
  @Override
  public NDArray forward(NDArray tokens) {
    return tokens.get(new NDIndex(":, {}:", prefixTokens)).mean(new int[] {1});
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
