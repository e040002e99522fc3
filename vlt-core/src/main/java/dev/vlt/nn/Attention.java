package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;

/**
 * Multi-head attention laid out as torch.nn.MultiheadAttention stores it: one fused in-projection {@code in_proj_weight}
 * [3W, W] (rows Q, K, V) when keys have the query width, else separate {@code q/k/v_proj_weight} (keys of another width,
 * e.g. CoCa's attentional pooler), always one packed {@code in_proj_bias} [3W], then {@code out_proj}.
 */
public final class Attention extends Module {
  private final int width;
  private final int heads;
  private final Parameter inProjWeight;
  private final Parameter qProj;
  private final Parameter kProj;
  private final Parameter vProj;
  private final Parameter inProjBias;
  private final Linear outProj;

  public Attention(int width, int heads) {
    this(width, heads, width);
  }

  public Attention(int width, int heads, int kvWidth) {
    this(width, heads, kvWidth, new Init.FanInUniform());
  }

  /** With its own {@code out_proj} weight initialisation: zeros for a residual branch that must start as nothing. */
  public Attention(int width, int heads, int kvWidth, Init outInit) {
    if (width % heads != 0) throw new IllegalArgumentException("width " + width + " is not divisible by heads " + heads);
    this.width = width;
    this.heads = heads;
    double std = Math.pow(width, -0.5);
    if (kvWidth == width) {
      inProjWeight = param("in_proj_weight", Init.normal(std), 3L * width, width);
      qProj = kProj = vProj = null;
    } else {
      inProjWeight = null;
      qProj = param("q_proj_weight", Init.normal(std), width, width);
      kProj = param("k_proj_weight", Init.normal(std), width, kvWidth);
      vProj = param("v_proj_weight", Init.normal(std), width, kvWidth);
    }
    inProjBias = param("in_proj_bias", Init.ZEROS, 3L * width);
    outProj = child("out_proj", new Linear(width, width, true, outInit));
  }

  /** Self-attention. x: [B, L, W]; mask: additive, broadcastable to [B, heads, L, L], or null. */
  public NDArray forward(NDArray x, NDArray mask) {
    if (inProjWeight == null) return forward(x, x, mask);
    NDArray qkv = Ops.linear(x, inProjWeight.value(), inProjBias.value()); // [B, L, 3W]
    NDArray q = qkv.get(new NDIndex("..., :{}", width));
    NDArray k = qkv.get(new NDIndex("..., {}:{}", width, 2 * width));
    NDArray v = qkv.get(new NDIndex("..., {}:", 2 * width));
    return outProj.forward(Ops.attention(q, k, v, heads, mask));
  }

  /** Cross-attention. q: [B, L, W]; kv: [B, S, Wkv]; mask broadcastable to [B, heads, L, S], or null. */
  public NDArray forward(NDArray q, NDArray kv, NDArray mask) {
    NDArray bias = inProjBias.value();
    NDArray bq = bias.get(new NDIndex(":{}", width));
    NDArray bk = bias.get(new NDIndex("{}:{}", width, 2 * width));
    NDArray bv = bias.get(new NDIndex("{}:", 2 * width));
    NDArray wq;
    NDArray wk;
    NDArray wv;
    if (inProjWeight != null) {
      NDArray w = inProjWeight.value();
      wq = w.get(new NDIndex(":{}", width));
      wk = w.get(new NDIndex("{}:{}", width, 2 * width));
      wv = w.get(new NDIndex("{}:", 2 * width));
    } else {
      wq = qProj.value();
      wk = kProj.value();
      wv = vProj.value();
    }
    return outProj.forward(Ops.attention(Ops.linear(q, wq, bq), Ops.linear(kv, wk, bk), Ops.linear(kv, wv, bv), heads, mask));
  }

  public int heads() {
    return heads;
  }
}
