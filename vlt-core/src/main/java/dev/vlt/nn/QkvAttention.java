package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;

/**
 * Multi-head self-attention in timm's layout: one fused {@code qkv} linear [3W, W] (rows [0, W) q, [W, 2W) k, [2W, 3W) v,
 * head h = features [h·d, (h+1)·d) of each), then {@code proj}. The same math as {@link Attention}, which stores torch's
 * MultiheadAttention names; this layout is timm's ViT, MAE's, VideoMAE's and TimeSformer's. The d^-1/2 scale goes on q
 * (as timm ≥ 0.9 and VideoMAE do; MAE's timm 0.3.2 scales q·kᵀ instead, which differs only in rounding).
 */
public final class QkvAttention extends Module {
  /** Which bias the q/k/v projection carries: the choice changes the checkpoint keys. */
  public enum Bias {
    /** No bias at all ({@code qkv_bias=False}). */
    NONE,
    /** {@code qkv.bias} [3W] (timm, MAE). */
    QKV,
    /**
     * {@code q_bias} [W] and {@code v_bias} [W] beside a bias-free {@code qkv}; keys get none (BEiT, VideoMAE: a k bias
     * only shifts every score of a query by the same amount, which softmax ignores).
     */
    QV
  }

  private final int width;
  private final int heads;
  private final Linear qkv;
  private final Parameter qBias;
  private final Parameter vBias;
  private final Linear proj;

  public QkvAttention(int width, int heads, Bias bias) {
    if (width % heads != 0) throw new IllegalArgumentException("width " + width + " is not divisible by heads " + heads);
    this.width = width;
    this.heads = heads;
    qkv = child("qkv", new Linear(width, 3 * width, bias == Bias.QKV));       // weight [3W, W]
    qBias = bias == Bias.QV ? param("q_bias", Init.ZEROS, width) : null;
    vBias = bias == Bias.QV ? param("v_bias", Init.ZEROS, width) : null;
    proj = child("proj", new Linear(width, width));
  }

  /** x: [B, L, W]; mask additive, broadcastable to [B, heads, L, L], or null → [B, L, W]. */
  public NDArray forward(NDArray x, NDArray mask) {
    NDArray qkvOut;                                                          // [B, L, 3W]
    if (qBias != null) {
      NDArray kBias = x.getManager().zeros(qBias.shape(), x.getDataType());
      NDArray bias = NDArrays.concat(new NDList(qBias.value(), kBias, vBias.value()));
      qkvOut = Ops.linear(x, qkv.weight().value(), bias);
    } else {
      qkvOut = qkv.forward(x);
    }
    NDArray q = qkvOut.get(new NDIndex("..., :{}", width));
    NDArray k = qkvOut.get(new NDIndex("..., {}:{}", width, 2 * width));
    NDArray v = qkvOut.get(new NDIndex("..., {}:", 2 * width));
    return proj.forward(Ops.attention(q, k, v, heads, mask));
  }

  public int heads() {
    return heads;
  }
}
