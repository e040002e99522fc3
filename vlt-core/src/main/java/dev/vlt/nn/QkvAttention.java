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
 * Multi-head attention whose projections are {@link Linear} children, in either of the two checkpoint layouts that store
 * it that way (the math of {@link Attention}, which keeps torch.nn.MultiheadAttention's packed parameters):
 * <ul>
 *   <li>{@link #timm}: one fused {@code qkv} [3W, W] (rows [0, W) q, [W, 2W) k, [2W, 3W) v) carrying the {@link Bias} the
 *       model chose, then {@code proj} [W, W]. timm's ViT, MAE, VideoMAE and TimeSformer.
 *   <li>{@link #torchmultimodal}: {@code query} [W, W], {@code key} and {@code value} [W, Wkv] (the keys may come from a
 *       tower of another width), then {@code output} [W, W], all with biases. torchmultimodal's MultiHeadAttention (BERT's
 *       names), ALBEF's text, fusion and answer layers.
 * </ul>
 * Head h uses features [h·d, (h+1)·d) of each projection. The d^-1/2 scale goes on q (as torch, timm ≥ 0.9 and VideoMAE
 * do; MAE's timm 0.3.2 scales q·kᵀ instead, which differs only in rounding).
 */
public final class QkvAttention extends Module {
  /** Which bias timm's fused {@code qkv} projection carries: the choice changes the checkpoint keys. */
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
  // timm's layout (null in torchmultimodal's)
  private final Linear qkv;
  private final Parameter qBias;
  private final Parameter vBias;
  // torchmultimodal's layout (null in timm's)
  private final Linear query;
  private final Linear key;
  private final Linear value;
  // both: "proj" or "output"
  private final Linear out;

  /** timm's layout: fused {@code qkv} with the given bias, {@code proj}. */
  public static QkvAttention timm(int width, int heads, Bias bias) {
    return new QkvAttention(width, heads, bias);
  }

  /** torchmultimodal's layout for self-attention: {@code query}, {@code key}, {@code value}, {@code output}. */
  public static QkvAttention torchmultimodal(int width, int heads) {
    return torchmultimodal(width, heads, width);
  }

  /** torchmultimodal's layout attending to a sequence of width {@code kvWidth} (cross-attention to another tower). */
  public static QkvAttention torchmultimodal(int width, int heads, int kvWidth) {
    return new QkvAttention(width, heads, kvWidth);
  }

  private QkvAttention(int width, int heads, Bias bias) {
    this.width = checkHeads(width, heads);
    this.heads = heads;
    qkv = child("qkv", new Linear(width, 3 * width, bias == Bias.QKV));       // weight [3W, W]
    qBias = bias == Bias.QV ? param("q_bias", Init.ZEROS, width) : null;
    vBias = bias == Bias.QV ? param("v_bias", Init.ZEROS, width) : null;
    query = key = value = null;
    out = child("proj", new Linear(width, width));
  }

  private QkvAttention(int width, int heads, int kvWidth) {
    this.width = checkHeads(width, heads);
    this.heads = heads;
    qkv = null;
    qBias = vBias = null;
    query = child("query", new Linear(width, width));
    key = child("key", new Linear(kvWidth, width));                           // weight [W, Wkv]
    value = child("value", new Linear(kvWidth, width));
    out = child("output", new Linear(width, width));
  }

  private static int checkHeads(int width, int heads) {
    if (width % heads != 0) throw new IllegalArgumentException("width " + width + " is not divisible by heads " + heads);
    return width;
  }

  /** Self-attention. x: [B, L, W]; mask additive, broadcastable to [B, heads, L, L], or null → [B, L, W]. */
  public NDArray forward(NDArray x, NDArray mask) {
    return forward(x, x, mask);
  }

  /**
   * Cross-attention. q: [B, L, W]; kv: [B, S, Wkv]; mask additive, broadcastable to [B, heads, L, S], or null → [B, L, W].
   * timm's fused layout takes Wkv = W.
   */
  public NDArray forward(NDArray q, NDArray kv, NDArray mask) {
    NDArray[] p = project(q, kv);
    return out.forward(Ops.attention(p[0], p[1], p[2], heads, mask));
  }

  /**
   * Where {@link #forward} attends: the softmax weights [B, heads, L, S] of queries q [B, L, W] over keys kv [B, S, Wkv],
   * for inspection (how much attention crosses modalities).
   */
  public NDArray weights(NDArray q, NDArray kv, NDArray mask) {
    NDArray[] p = project(q, kv);
    return Ops.attentionWeights(p[0], p[1], heads, mask);
  }

  /**
   * The output projection of weights [B, heads, L, S] over kv's values, without the output bias → [B, L, W]. It is linear
   * in the weights: forward(q, kv, mask) = mix(weights(q, kv, mask), kv) + bias, so splitting the weights by key splits
   * the attention's update into what each group of keys contributed.
   */
  public NDArray mix(NDArray weights, NDArray kv) {
    NDArray v = project(kv, kv)[2];
    return Ops.linear(Ops.applyAttention(weights, v), out.weight().value(), null);
  }

  /**
   * The attention's output when it mixes kv's values with the given weights [B, heads, L, S] instead of its own: with
   * {@code weights(q, kv, mask)} it equals {@code forward(q, kv, mask)}. Grad-CAM passes a leaf copy of the weights, so
   * the gradient of a score with respect to where the layer attends can be read.
   */
  public NDArray forwardWithWeights(NDArray weights, NDArray kv) {
    return out.forward(Ops.applyAttention(weights, project(kv, kv)[2]));
  }

  /** q, k and v: [B, L, W], [B, S, W], [B, S, W]. */
  private NDArray[] project(NDArray q, NDArray kv) {
    if (qkv == null) return new NDArray[] {query.forward(q), key.forward(kv), value.forward(kv)};
    NDArray fromQ = fused(q);                                                // [B, L, 3W]
    // cross-attention through a fused projection projects both sequences whole and keeps q of one, k and v of the other
    NDArray fromKv = kv == q ? fromQ : fused(kv);                            // [B, S, 3W]
    return new NDArray[] {fromQ.get(new NDIndex("..., :{}", width)), fromKv.get(new NDIndex("..., {}:{}", width, 2 * width)),
        fromKv.get(new NDIndex("..., {}:", 2 * width))};
  }

  /** timm's fused projection x [B, N, W] → [B, N, 3W]; q_bias and v_bias, where present, go around a zero k bias. */
  private NDArray fused(NDArray x) {
    if (qBias == null) return qkv.forward(x);
    NDArray kBias = x.getManager().zeros(qBias.shape(), x.getDataType());
    NDArray bias = NDArrays.concat(new NDList(qBias.value(), kBias, vBias.value()));
    return Ops.linear(x, qkv.weight().value(), bias);
  }

  public int heads() {
    return heads;
  }
}
