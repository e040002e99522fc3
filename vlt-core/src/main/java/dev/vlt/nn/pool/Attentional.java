package dev.vlt.nn.pool;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.AttentionalPooler;
import dev.vlt.tensor.Module;

/**
 * Attentional pooling as CoCa's contrastive pooler (Yu et al. 2022; Lee et al.'s set-transformer PMA): one learned query
 * attends over all tokens (the class token included, as open_clip's pooler sees the whole sequence). It is
 * {@link AttentionalPooler} with one query, inlined so the keys sit directly under the pooling: {@code query} [1, W],
 * {@code ln_q}, {@code ln_k}, {@code attn}.
 */
public final class Attentional extends Module implements Pooling {
  static final String TYPE = "attn";

  private final int width;
  private final AttentionalPooler pooler;

  public Attentional(int width, int heads) {
    this.width = width;
    pooler = inline(new AttentionalPooler(width, width, heads, 1));
  }

  /** tokens [B, 1 + N, W] → [B, W]. */
  @Override
  public NDArray forward(NDArray tokens) {
    return pooler.forward(tokens).reshape(tokens.getShape().get(0), width);
  }

  @Override
  public String type() {
    return TYPE;
  }
}
