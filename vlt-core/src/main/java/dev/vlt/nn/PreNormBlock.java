package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Module;

/**
 * torchmultimodal's transformer layer with {@code norm_first=True} (FLAVA's encoders): x = x + attn(LN(x)), then
 * x = x + FFN(LN(x)), under the names of its post-norm sibling {@link PostNormBlock}: {@code attention} (separate
 * {@code query}/{@code key}/{@code value}/{@code output}), {@code feedforward.model.{0,2}}, {@code attention_layernorm}
 * and {@code feedforward_layernorm}.
 */
public final class PreNormBlock extends Module {
  private final QkvAttention attention;
  private final SequentialMlp feedforward;
  private final LayerNorm attentionNorm;
  private final LayerNorm feedforwardNorm;

  public PreNormBlock(int width, int heads, int hidden, double eps) {
    attention = child("attention", QkvAttention.torchmultimodal(width, heads));
    feedforward = child("feedforward", new SequentialMlp(width, hidden, Activation.GELU));
    attentionNorm = child("attention_layernorm", new LayerNorm(width, eps));
    feedforwardNorm = child("feedforward_layernorm", new LayerNorm(width, eps));
  }

  /** x: [B, L, W]; mask additive, broadcastable to [B, heads, L, L], or null. */
  public NDArray forward(NDArray x, NDArray mask) {
    x = x.add(attention.forward(attentionNorm.forward(x), mask));
    return x.add(feedforward.forward(feedforwardNorm.forward(x)));
  }
}
