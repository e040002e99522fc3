package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;

/**
 * Attentional pooling (Lee et al.'s set transformer "PMA", as CoCa uses it): Q learned queries of width D attend over a
 * sequence of tokens of width C, giving Q pooled vectors. Laid out as open_clip's AttentionalPooler: {@code query} [Q, D],
 * {@code ln_q} on the queries, {@code ln_k} on the tokens (used as both keys and values), and a multi-head attention whose
 * key/value projections map C → D ({@code q/k/v_proj_weight} when C ≠ D, fused {@code in_proj_weight} when C = D).
 */
public final class AttentionalPooler extends Module {
  private final Parameter query;
  private final Attention attn;
  private final LayerNorm lnQ;
  private final LayerNorm lnK;

  /**
   * @param width D, the width of the queries and of the output
   * @param contextWidth C, the width of the pooled tokens
   */
  public AttentionalPooler(int width, int contextWidth, int heads, int queries) {
    if (queries <= 0) throw new IllegalArgumentException("an attentional pooler needs at least one query, got " + queries);
    query = param("query", Init.normal(1.0), queries, width); // open_clip: torch.randn, unit variance
    attn = child("attn", new Attention(width, heads, contextWidth));
    lnQ = child("ln_q", new LayerNorm(width));
    lnK = child("ln_k", new LayerNorm(contextWidth));
  }

  /** x: [B, N, C] → [B, Q, D]. */
  public NDArray forward(NDArray x) {
    long b = x.getShape().get(0);
    NDArray kv = lnK.forward(x);
    NDArray q = lnQ.forward(query.value());                          // [Q, D]: the same queries for every image
    q = q.expandDims(0).repeat(0, b);                                 // [B, Q, D]
    return attn.forward(q, kv, null);
  }

  public int queries() {
    return Math.toIntExact(query.shape().get(0));
  }
}
