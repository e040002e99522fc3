package dev.vlt.models.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.vlt.nn.Activation;
import dev.vlt.nn.Embedding;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.Transformer;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;

/** CLIP's causal text transformer: token + position embeddings, masked blocks, ln_final, pooling, projection. */
public final class TextTransformer extends Module {
  private final TextConfig cfg;
  private final Embedding tokenEmbedding;
  private final Parameter positionalEmbedding;
  private final Transformer transformer;
  private final LayerNorm lnFinal;
  private final Parameter textProjection;

  public TextTransformer(TextConfig cfg, int embedDim, Activation act) {
    this.cfg = cfg;
    int w = cfg.width();
    tokenEmbedding = child("token_embedding", new Embedding(cfg.vocabSize(), w, 0.02));
    positionalEmbedding = param("positional_embedding", Init.normal(0.01), cfg.contextLength(), w);
    // open_clip's init: attention std W^-0.5 · (2L)^-0.5 etc.; the fan-in defaults are close enough to train from scratch
    transformer = child("transformer", new Transformer(w, cfg.layers(), cfg.heads(), cfg.mlpRatio(), act, 0.0));
    lnFinal = child("ln_final", new LayerNorm(w));
    textProjection = param("text_projection", Init.normal(Math.pow(w, -0.5)), w, embedDim); // [in, out]: x @ W
  }

  /** ids: [B, L] token ids (L ≤ context length) → text features [B, embedDim] (not normalised). */
  public NDArray forward(NDArray ids, Trace trace) {
    return project(ids, forwardTokens(ids, trace), trace);
  }

  /**
   * ids [B, L] and their token states x [B, L, W] from {@link #forwardTokens} → text features [B, embedDim]: the pooled
   * position's state projected. A caller that needs both the states and the features (a caption decoder beside the
   * contrastive loss) runs the tower once.
   */
  public NDArray project(NDArray ids, NDArray x, Trace trace) {
    long b = x.getShape().get(0);
    long l = x.getShape().get(1);
    NDArray index = switch (cfg.pool()) {
      case "argmax" -> ids.argMax(-1);                                                  // first eot: the largest id
      // transformers: the first position holding eos, 0 when a row has none (argmax of an all-zero row)
      case "eos" -> ids.eq(cfg.eosId()).toType(DataType.INT32, false).argMax(-1);
      case "first" -> ids.getManager().zeros(new ai.djl.ndarray.types.Shape(b), DataType.INT64);
      default -> ids.getManager().full(new ai.djl.ndarray.types.Shape(b), l - 1, DataType.INT64);
    };
    trace.put("text.eot_index", index);
    NDArray flat = index.toType(DataType.INT64, false).add(ids.getManager().arange(0L, b * l, l));
    NDArray pooled = x.reshape(b * l, cfg.width()).get(new NDIndex("{}", flat));       // [B, W]
    trace.put("text.pooled", pooled);
    return pooled.matMul(textProjection.value());
  }

  /** Token states after ln_final: [B, L, W]. */
  public NDArray forwardTokens(NDArray ids, Trace trace) {
    long l = ids.getShape().get(1);
    if (l > cfg.contextLength()) {
      throw new IllegalArgumentException("text length " + l + " exceeds the context length " + cfg.contextLength());
    }
    NDArray x = tokenEmbedding.forward(ids);
    x = x.add(positionalEmbedding.value().get(new NDIndex(":{}", l)));
    trace.put("text.embed_out", x);
    NDArray mask = Ops.causalMask(ids.getManager(), (int) l, x.getDataType());
    trace.put("text.attn_mask", mask);
    x = transformer.forward(x, mask, (i, out) -> trace.put("text.resblock." + i + "_out", out));
    x = lnFinal.forward(x);
    trace.put("text.ln_final_out", x);
    return x;
  }

  public TextConfig config() {
    return cfg;
  }
}
