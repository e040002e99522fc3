package dev.vlt.nn.pool;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;

/**
 * Generalized-mean pooling (Radenović et al. 2018) over the patch tokens, with one learnable exponent p:
 * {@code y_c = (mean_i max(x_ic, eps)^p)^(1/p)}. p = 1 is the mean, p → ∞ the maximum.
 *
 * <p>Signed inputs. GeM is defined for non-negative activations (CNN maps after ReLU), but a ViT's tokens after
 * {@code ln_post} are signed. The GGeM abstract speaks only of "activation maps" and names no mapping, so vlt applies
 * GeM's own clamp {@code max(x, eps)} — a ReLU — to the tokens after {@code ln_post}. Because {@code ln_post} ends with a
 * learned per-channel bias, the clamp acts as a ReLU with a learned threshold per channel; at initialisation (bias 0) about
 * half of the entries are clamped. The class token is not pooled.
 *
 * <p>Checkpoint: {@code p} [1].
 */
public final class GeM extends Module implements Pooling {
  static final String TYPE = "gem";
  /** Radenović et al.'s initial exponent, also the GGeM paper's. */
  public static final double DEFAULT_P = 3.0;
  /** The clamp floor: keeps x^p and its gradient in p (which has a log x factor) finite. */
  public static final double DEFAULT_EPS = 1e-6;

  private final Parameter p;
  private final double eps;

  public GeM(double initP, double eps) {
    if (!(initP > 0)) throw new IllegalArgumentException("GeM exponent must be positive, got " + initP);
    if (!(eps > 0)) throw new IllegalArgumentException("GeM eps must be positive, got " + eps);
    this.p = param("p", new Init.Constant(initP), 1);
    this.eps = eps;
  }

  /** tokens [B, 1 + N, W] → [B, W]. */
  @Override
  public NDArray forward(NDArray tokens) {
    return generalizedMean(MeanTokens.patches(tokens), p.value(), eps);
  }

  /**
   * x [B, N, ...] reduced over axis 1: {@code (mean_i max(x, eps)^p)^(1/p)}; {@code p} broadcasts against x's trailing axes
   * ([1] for one exponent, [G, 1] for one per group of a [B, N, G, W/G] input).
   */
  static NDArray generalizedMean(NDArray x, NDArray p, double eps) {
    NDArray powered = x.clip(eps, Float.MAX_VALUE).pow(p);            // clip takes its bounds natively: autograd-safe
    // 1/p as ones/p, not p.pow(-1): DJL wraps a Number operand in a Java buffer it frees at once, while autograd keeps
    // it for the backward pass (see Ops.mul)
    NDArray inverse = p.getManager().ones(p.getShape(), p.getDataType()).div(p);
    return powered.mean(new int[] {1}).pow(inverse);
  }

  @Override
  public String type() {
    return TYPE;
  }

  public Parameter exponent() {
    return p;
  }
}
