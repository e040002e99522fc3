package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Module;

/**
 * BERT's transformer layer, post-norm, as torchmultimodal's TransformerEncoderLayer lays it out: x = LN(x + attn(x)),
 * then x = LN(x + FFN(x)), with children {@code attention}, {@code feedforward}, {@code attention_layernorm} and
 * {@code feedforward_layernorm}.
 */
public final class PostNormBlock extends Module {
  private final QkvAttention attention;
  private final SequentialMlp feedforward;
  private final LayerNorm attentionNorm;
  private final LayerNorm feedforwardNorm;

  public PostNormBlock(int width, int heads, int hidden, double eps) {
    attention = child("attention", QkvAttention.torchmultimodal(width, heads));
    feedforward = child("feedforward", new SequentialMlp(width, hidden, Activation.GELU));
    attentionNorm = child("attention_layernorm", new LayerNorm(width, eps));
    feedforwardNorm = child("feedforward_layernorm", new LayerNorm(width, eps));
  }

  /** x: [B, L, W]; mask additive, broadcastable to [B, heads, L, L], or null. */
  public NDArray forward(NDArray x, NDArray mask) {
    x = attentionNorm.forward(x.add(attention.forward(x, mask)));
    return feedforwardNorm.forward(x.add(feedforward.forward(x)));
  }

  public QkvAttention attention() {
    return attention;
  }
}
