package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Module;
import java.util.function.UnaryOperator;

/**
 * A post-norm layer that also attends to another sequence, as torchmultimodal's TransformerCrossAttentionLayer (and the
 * BERT decoder layer ALBEF fuses with): x = LN(x + self-attn(x)), x = LN(x + cross-attn(x → kv)), x = LN(x + FFN(x)).
 * Children {@code attention}, {@code cross_attention}, {@code feedforward} and one layer norm after each.
 */
public final class PostNormCrossBlock extends Module {
  private final QkvAttention attention;
  private final QkvAttention crossAttention;
  private final SequentialMlp feedforward;
  private final LayerNorm attentionNorm;
  private final LayerNorm crossAttentionNorm;
  private final LayerNorm feedforwardNorm;

  /** @param kvWidth the width of the attended sequence */
  public PostNormCrossBlock(int width, int heads, int hidden, int kvWidth, double eps) {
    attention = child("attention", QkvAttention.torchmultimodal(width, heads));
    crossAttention = child("cross_attention", QkvAttention.torchmultimodal(width, heads, kvWidth));
    feedforward = child("feedforward", new SequentialMlp(width, hidden, Activation.GELU));
    attentionNorm = child("attention_layernorm", new LayerNorm(width, eps));
    crossAttentionNorm = child("cross_attention_layernorm", new LayerNorm(width, eps));
    feedforwardNorm = child("feedforward_layernorm", new LayerNorm(width, eps));
  }

  /**
   * x: [B, L, W] attending to kv: [B, S, Wkv]. Masks are additive: {@code selfMask} broadcastable to [B, heads, L, L],
   * {@code crossMask} to [B, heads, L, S]; either may be null.
   */
  public NDArray forward(NDArray x, NDArray selfMask, NDArray kv, NDArray crossMask) {
    x = attentionNorm.forward(x.add(attention.forward(x, selfMask)));
    x = crossAttentionNorm.forward(x.add(crossAttention.forward(x, kv, crossMask)));
    return feedforwardNorm.forward(x.add(feedforward.forward(x)));
  }

  /**
   * {@link #forward} with both attention maps passed through hooks: each receives the layer's softmax weights
   * (self-attention [B, heads, L, L], cross-attention [B, heads, L, S]) and returns the weights the layer then mixes
   * values with, so a caller can read them (return them unchanged) or put a leaf copy in their place (Grad-CAM).
   */
  public NDArray forward(NDArray x, NDArray selfMask, NDArray kv, NDArray crossMask, UnaryOperator<NDArray> selfWeights,
      UnaryOperator<NDArray> crossWeights) {
    NDArray s = selfWeights.apply(attention.weights(x, x, selfMask));
    x = attentionNorm.forward(x.add(attention.forwardWithWeights(s, x)));
    NDArray c = crossWeights.apply(crossAttention.weights(x, kv, crossMask));
    x = crossAttentionNorm.forward(x.add(crossAttention.forwardWithWeights(c, kv)));
    return feedforwardNorm.forward(x.add(feedforward.forward(x)));
  }

  public QkvAttention attention() {
    return attention;
  }

  public QkvAttention crossAttention() {
    return crossAttention;
  }

  public LayerNorm attentionNorm() {
    return attentionNorm;
  }
}
