package dev.vlt.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Small tensor operations DJL lacks or hides behind its internal API. */
public final class Ops {
  private Ops() {}

  /** y = x·Wᵀ + b (PyTorch's F.linear); W is [out, in], b may be null. */
  public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
  }

  public static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, double eps) {
    Shape normalized = new Shape(x.getShape().get(x.getShape().dimension() - 1));
    return x.getNDArrayInternal().layerNorm(x, normalized, weight, bias, (float) eps).singletonOrThrow();
  }

  /** Exact GELU, 0.5·x·(1 + erf(x/√2)), as torch.nn.GELU() computes it. */
  public static NDArray gelu(NDArray x) {
    return x.getNDArrayInternal().gelu();
  }

  /** QuickGELU of the original CLIP: x·sigmoid(1.702·x). */
  public static NDArray quickGelu(NDArray x) {
    return x.mul(mul(x, 1.702).getNDArrayInternal().sigmoid());
  }

  /**
   * x·v for a constant v, safe under autograd. DJL's {@code x.mul(Number)} wraps v in a Java-owned buffer and frees it
   * right after the op, yet autograd keeps that tensor for the backward pass, which then reads freed memory once the GC
   * has run (garbage or NaN gradients under memory pressure). Here v is a torch-owned 0-d tensor autograd can keep.
   */
  public static NDArray mul(NDArray x, double v) {
    try (NDArray s = x.getManager().full(new Shape(), (float) v, x.getDataType())) {
      return x.mul(s);
    }
  }

  /** x/v for a constant v, safe under autograd (see {@link #mul(NDArray, double)}). */
  public static NDArray div(NDArray x, double v) {
    try (NDArray s = x.getManager().full(new Shape(), (float) v, x.getDataType())) {
      return x.div(s);
    }
  }

  /**
   * Multi-head scaled dot-product attention on projected inputs: q [B, L, W], k and v [B, S, W] → [B, L, W], head h using
   * features [h·W/heads, (h+1)·W/heads) of each (the layout of torch's MultiheadAttention, timm's fused qkv and BERT's
   * separate projections alike). Scores are (q/√d)·kᵀ plus {@code mask} (additive, broadcastable to [B, heads, L, S], or
   * null; see {@link #keyPaddingMask}), softmax over keys. Head outputs are concatenated in head order; the caller applies
   * its output projection.
   */
  public static NDArray attention(NDArray q, NDArray k, NDArray v, int heads, NDArray mask) {
    return applyAttention(attentionWeights(q, k, heads, mask), v);
  }

  /** The weights {@link #attention} mixes values with: softmax over keys of (q/√d)·kᵀ + mask → [B, heads, L, S]. */
  public static NDArray attentionWeights(NDArray q, NDArray k, int heads, NDArray mask) {
    long b = q.getShape().get(0);
    long l = q.getShape().get(1);
    long s = k.getShape().get(1);
    long d = q.getShape().get(2) / heads;
    NDArray qh = div(q.reshape(b, l, heads, d).transpose(0, 2, 1, 3), Math.sqrt(d));          // [B,H,L,d]
    NDArray kh = k.reshape(b, s, heads, d).transpose(0, 2, 3, 1);                              // [B,H,d,S]
    NDArray scores = qh.matMul(kh);                                                             // [B,H,L,S]
    if (mask != null) scores = scores.add(mask);
    return scores.softmax(-1);
  }

  /** Weights [B, heads, L, S] (softmax or any part of it) applied to values v [B, S, W] → head outputs concatenated [B, L, W]. */
  public static NDArray applyAttention(NDArray weights, NDArray v) {
    long b = v.getShape().get(0);
    long s = v.getShape().get(1);
    long width = v.getShape().get(2);
    long heads = weights.getShape().get(1);
    long l = weights.getShape().get(2);
    NDArray vh = v.reshape(b, s, heads, width / heads).transpose(0, 2, 1, 3);                  // [B,H,S,d]
    NDArray out = weights.matMul(vh);                                                           // [B,H,L,d]
    return out.transpose(0, 2, 1, 3).reshape(b, l, width);
  }

  /**
   * Rows of each sample picked by index: x [B, L, D], ids [B, K] (int64) → [B, K, D] with out[b, k] = x[b, ids[b, k]]
   * (torch.gather along dim 1 with the index expanded over D). Differentiable in x.
   */
  public static NDArray gatherRows(NDArray x, NDArray ids) {
    Shape s = x.getShape();
    Shape index = new Shape(ids.getShape().get(0), ids.getShape().get(1), s.get(2));
    return x.gather(ids.expandDims(-1).broadcast(index), 1);
  }

  /** The causal additive mask [n, n]: 0 on and below the diagonal, -inf above (key j &gt; query i). */
  public static NDArray causalMask(NDManager manager, int n, DataType type) {
    float[] m = new float[n * n];
    for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) m[i * n + j] = Float.NEGATIVE_INFINITY;
    return manager.create(m, new Shape(n, n)).toType(type, false);
  }

  /**
   * An additive attention mask from a keep-mask of any shape (1 = attend, 0 = ignore, as BERT's attention_mask): 0 where
   * kept, −inf where not, same shape, in {@code type}. Adding −inf is what torch's {@code masked_fill(mask == 0, -inf)} does.
   */
  public static NDArray additiveMask(NDArray keep, DataType type) {
    long[] v = keep.toType(DataType.INT64, false).toLongArray();
    float[] m = new float[v.length];
    for (int i = 0; i < v.length; i++) m[i] = v[i] == 0 ? Float.NEGATIVE_INFINITY : 0f;
    return keep.getManager().create(m, keep.getShape()).toType(type, false);
  }

  /** A padding keep-mask [B, S] (1 = a real token) as an additive key mask [B, 1, 1, S] for every query and head. */
  public static NDArray keyPaddingMask(NDArray keep, DataType type) {
    long b = keep.getShape().get(0);
    long s = keep.getShape().get(1);
    return additiveMask(keep, type).reshape(b, 1, 1, s);
  }

  /**
   * Per-position next-token negative log-likelihood under teacher forcing: out[n, t] = −log softmax(logits[n, t])[ids[n,
   * t+1]], and 0 where ids[n, t+1] is {@code ignoreId}. logits [N, T, V], ids [N, T] → [N, T−1].
   */
  public static NDArray nextTokenNll(NDArray logits, NDArray ids, long ignoreId) {
    NDArray targets = ids.get(new NDIndex(":, 1:")).toType(DataType.INT64, false);             // [N, T-1]
    NDArray logp = logits.get(new NDIndex(":, :-1")).logSoftmax(-1);                           // [N, T-1, V]
    NDArray keep = targets.neq(ignoreId);
    // gather needs valid indices: ignored positions read id 0 and are zeroed after
    NDArray safe = targets.mul(keep.toType(DataType.INT64, false));
    NDArray picked = logp.gather(safe.expandDims(-1), -1).squeeze(-1);                          // [N, T-1]
    return picked.mul(keep.toType(picked.getDataType(), false)).neg();
  }

  /** x / max(‖x‖₂, 1e-12) along the last axis, as F.normalize. */
  public static NDArray l2Normalize(NDArray x) {
    return x.normalize(2, -1, 1e-12);
  }

  /** Mean cross-entropy of logits [N, C] against integer labels [N]. */
  public static NDArray crossEntropy(NDArray logits, NDArray labels) {
    NDArray logp = logits.logSoftmax(-1);
    NDArray picked = logp.gather(labels.toType(DataType.INT64, false).reshape(-1, 1), 1);
    return picked.mean().neg();
  }
}
