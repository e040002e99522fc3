package dev.vlt.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.nn.Activation;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.Linear;
import dev.vlt.nn.Mlp;
import dev.vlt.nn.VitBlock;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;

/**
 * Multihead attention pooling ("MAP", SigLIP's and timm's {@code global_pool='map'}, timm's AttentionPoolLatent): one
 * learned latent query attends over all tokens, then an MLP block refines it. Unlike {@link Attentional} (CoCa's) there
 * are no LayerNorms on queries or keys, the projections are separate {@code q} [W, W] and {@code kv} [2W, W] (k = rows
 * [0, W), v = rows [W, 2W)), there is no residual around the attention, and a residual MLP follows:
 * {@code y = proj(attn(q(latent), k(x), v(x))); y = y + mlp(norm(y))}.
 *
 * <p>Checkpoint: {@code latent} [1, 1, W], {@code q}, {@code kv}, {@code proj}, {@code norm}, {@code mlp.fc1},
 * {@code mlp.fc2}; its owner registers it as {@code attn_pool}, timm's name.
 */
public final class LatentAttention extends Module implements Pooling {
  static final String TYPE = "map";

  private final int width;
  private final int heads;
  private final Parameter latent;
  private final Linear q;
  private final Linear kv;
  private final Linear proj;
  private final LayerNorm norm;
  private final Mlp mlp;

  public LatentAttention(int width, int heads, double mlpRatio) {
    if (width % heads != 0) throw new IllegalArgumentException("width " + width + " is not divisible by heads " + heads);
    this.width = width;
    this.heads = heads;
    latent = param("latent", Init.normal(Math.pow(width, -0.5)), 1, 1, width);   // timm: trunc_normal, std W^-1/2
    q = child("q", new Linear(width, width));
    kv = child("kv", new Linear(width, 2 * width));
    proj = child("proj", new Linear(width, width));
    norm = child("norm", new LayerNorm(width, VitBlock.LAYER_NORM_EPS));
    mlp = child("mlp", Mlp.timm(width, (int) (width * mlpRatio), Activation.GELU));
  }

  /** tokens [B, P + N, W] (every token, prefix ones included, is a key) → [B, W]. */
  @Override
  public NDArray forward(NDArray tokens) {
    return forward(tokens, Trace.NONE);
  }

  /** As {@link #forward(NDArray)}, tracing {@code proj_out}, {@code norm_out} and {@code mlp_out} ([B, 1, W] each). */
  @Override
  public NDArray forward(NDArray tokens, Trace trace) {
    long b = tokens.getShape().get(0);
    NDArray query = q.forward(latent.value()).repeat(0, b);                     // [B, 1, W]
    NDArray keysValues = kv.forward(tokens);                                    // [B, N, 2W]
    NDArray k = keysValues.get(new NDIndex("..., :{}", width));
    NDArray v = keysValues.get(new NDIndex("..., {}:", width));
    NDArray y = proj.forward(Ops.attention(query, k, v, heads, null));          // [B, 1, W]
    trace.put("proj_out", y);
    NDArray normed = norm.forward(y);
    trace.put("norm_out", normed);
    NDArray refined = mlp.forward(normed);
    trace.put("mlp_out", refined);
    return y.add(refined).reshape(b, width);                                    // the single latent token
  }

  @Override
  public String type() {
    return TYPE;
  }
}
