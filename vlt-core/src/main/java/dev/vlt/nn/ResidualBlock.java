package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Module;

/**
 * Pre-norm transformer block as open_clip's ResidualAttentionBlock: x + attn(ln_1 x), then x + mlp(ln_2 x). A
 * cross-attention block (CoCa's decoder) normalises keys/values with its own {@code ln_1_kv}.
 */
public final class ResidualBlock extends Module {
  private final LayerNorm ln1;
  private final LayerNorm ln1Kv;
  private final Attention attn;
  private final LayerNorm ln2;
  private final Mlp mlp;
  private final DropPath dropPath;

  public ResidualBlock(int width, int heads, double mlpRatio, Activation act) {
    this(width, heads, mlpRatio, act, false, 0.0);
  }

  public ResidualBlock(int width, int heads, double mlpRatio, Activation act, boolean crossAttention, double dropPath) {
    ln1 = child("ln_1", new LayerNorm(width));
    attn = child("attn", new Attention(width, heads));          // in_proj_weight [3W, W], out_proj
    ln1Kv = crossAttention ? child("ln_1_kv", new LayerNorm(width)) : null;
    ln2 = child("ln_2", new LayerNorm(width));
    mlp = child("mlp", new Mlp(width, (int) (width * mlpRatio), act)); // c_fc, c_proj
    this.dropPath = child("drop_path", new DropPath(dropPath)); // no parameters: invisible in checkpoints
  }

  /** x: [B, N, W]; mask additive (e.g. causal [N, N]) or null. */
  public NDArray forward(NDArray x, NDArray mask) {
    x = x.add(dropPath.forward(attn.forward(ln1.forward(x), mask)));
    return x.add(dropPath.forward(mlp.forward(ln2.forward(x))));
  }

  /** Cross-attention to kv: [B, S, W]. */
  public NDArray forward(NDArray x, NDArray kv, NDArray mask) {
    x = x.add(dropPath.forward(attn.forward(ln1.forward(x), ln1Kv.forward(kv), mask)));
    return x.add(dropPath.forward(mlp.forward(ln2.forward(x))));
  }
}
