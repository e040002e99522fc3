package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;

/**
 * Multi-head attention with one Linear per projection, laid out as torchmultimodal's MultiHeadAttention (BERT's layout):
 * {@code query} [W, W], {@code key} and {@code value} [W, Wkv], {@code output} [W, W], each with a bias. The same
 * computation as {@link Attention}, whose torch.nn.MultiheadAttention layout packs the three input projections into one.
 */
public final class QkvAttention extends Module {
  private final int heads;
  private final Linear query;
  private final Linear key;
  private final Linear value;
  private final Linear output;

  public QkvAttention(int width, int heads) {
    this(width, heads, width);
  }

  /** @param kvWidth the width of the keys' and values' input (cross-attention to another tower) */
  public QkvAttention(int width, int heads, int kvWidth) {
    if (width % heads != 0) throw new IllegalArgumentException("width " + width + " is not divisible by heads " + heads);
    this.heads = heads;
    query = child("query", new Linear(width, width));
    key = child("key", new Linear(kvWidth, width));
    value = child("value", new Linear(kvWidth, width));
    output = child("output", new Linear(width, width));
  }

  /** Self-attention. x: [B, L, W]; mask additive, broadcastable to [B, heads, L, L], or null. */
  public NDArray forward(NDArray x, NDArray mask) {
    return forward(x, x, mask);
  }

  /** Cross-attention. q: [B, L, W]; kv: [B, S, Wkv]; mask additive, broadcastable to [B, heads, L, S], or null. */
  public NDArray forward(NDArray q, NDArray kv, NDArray mask) {
    return output.forward(Ops.attention(query.forward(q), key.forward(kv), value.forward(kv), heads, mask));
  }

  public int heads() {
    return heads;
  }
}
