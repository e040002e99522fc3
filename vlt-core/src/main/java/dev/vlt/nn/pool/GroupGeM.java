package dev.vlt.nn.pool;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;

/**
 * Group generalized-mean pooling (GGeM, Ko et al. 2022): the W channels are split into G contiguous groups — by default
 * one per attention head, since multi-head attention writes head h's output to channels [h·W/G, (h+1)·W/G) before the
 * out-projection mixes them — and each group is GeM-pooled with its own learnable exponent. With G = 1 this is {@link GeM}.
 * Signed inputs are clamped as in {@link GeM}; the class token is not pooled.
 *
 * <p>Checkpoint: {@code p} [G].
 */
public final class GroupGeM extends Module implements Pooling {
  static final String TYPE = "ggem";

  private final int width;
  private final int groups;
  private final Parameter p;
  private final double eps;

  public GroupGeM(int width, int groups, double initP, double eps) {
    if (groups < 1 || width % groups != 0) {
      throw new IllegalArgumentException("GGeM groups " + groups + " must divide the width " + width);
    }
    if (!(initP > 0)) throw new IllegalArgumentException("GGeM exponent must be positive, got " + initP);
    if (!(eps > 0)) throw new IllegalArgumentException("GGeM eps must be positive, got " + eps);
    this.width = width;
    this.groups = groups;
    this.p = param("p", new Init.Constant(initP), groups);
    this.eps = eps;
  }

  /** tokens [B, 1 + N, W] → [B, W]. */
  @Override
  public NDArray forward(NDArray tokens) {
    NDArray x = MeanTokens.patches(tokens);                                     // [B, N, W]
    long b = x.getShape().get(0);
    long n = x.getShape().get(1);
    NDArray grouped = x.reshape(b, n, groups, width / groups);                  // [B, N, G, W/G]
    NDArray pooled = GeM.generalizedMean(grouped, p.value().reshape(groups, 1), eps); // [B, G, W/G]
    return pooled.reshape(b, width);
  }

  @Override
  public String type() {
    return TYPE;
  }

  public int groups() {
    return groups;
  }

  public Parameter exponents() {
    return p;
  }
}
