package dev.vlt.nn.pool;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.Attention;
import dev.vlt.nn.LayerNorm;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;

/**
 * Attentional pooling as CoCa's contrastive pooler (Yu et al. 2022; Lee et al.'s set-transformer PMA): one learned query
 * attends over all tokens (the class token included, as open_clip's pooler sees the whole sequence). Laid out as
 * open_clip's AttentionalPooler with one query: {@code query} [1, W], {@code ln_q}, {@code ln_k}, {@code attn}.
 */
public final class Attentional extends Module implements Pooling {
  static final String TYPE = "attn";

  private final int width;
  private final Parameter query;
  private final Attention attn;
  private final LayerNorm lnQ;
  private final LayerNorm lnK;

  public Attentional(int width, int heads) {
    this.width = width;
    query = param("query", Init.normal(1.0), 1, width);   // open_clip: torch.randn; ln_q rescales it anyway
    attn = child("attn", new Attention(width, heads));
    lnQ = child("ln_q", new LayerNorm(width));
    lnK = child("ln_k", new LayerNorm(width));
  }

  /** tokens [B, 1 + N, W] → [B, W]. */
  @Override
  public NDArray forward(NDArray tokens) {
    long b = tokens.getShape().get(0);
    NDArray kv = lnK.forward(tokens);                                      // [B, 1 + N, W]
    NDArray q = lnQ.forward(query.value()).expandDims(0).repeat(0, b);     // [B, 1, W]: one query for every image
    return attn.forward(q, kv, null).reshape(b, width);
  }

  @Override
  public String type() {
    return TYPE;
  }
}
