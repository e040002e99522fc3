package dev.vlt.models.msclip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.vlt.nn.Embedding;
import dev.vlt.nn.LayerNorm;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * The text side of MS-CLIP, at the state-dict root with CLIP's names: token and position embeddings, its own parts of each
 * block under {@code transformer.resblocks.N}, {@code ln_final} and {@code text_projection}. Text runs every block
 * (with early specialization its block 0 is wholly its own) under CLIP's causal mask and is pooled at the end-of-text
 * token (the largest id).
 */
final class TextEncoder extends Module {
  private final MsClipConfig cfg;
  private final Embedding tokenEmbedding;
  private final Parameter positionalEmbedding;
  private final List<Block> blocks = new ArrayList<>();
  private final LayerNorm lnFinal;
  private final Parameter textProjection;

  TextEncoder(MsClipConfig c, BlockStack shared) {
    this.cfg = c;
    int w = c.width();
    tokenEmbedding = child("token_embedding", new Embedding(c.vocabSize(), w, 0.02));
    positionalEmbedding = param("positional_embedding", Init.normal(0.01), c.contextLength(), w);
    BlockStack own = child("transformer", new BlockStack(c, i -> BlockStack.own(c.sharing(), i)));
    for (int i = 0; i < c.layers(); i++) blocks.add(Block.assemble(i, own.get(i), shared.get(i)));
    lnFinal = child("ln_final", new LayerNorm(w));
    textProjection = param("text_projection", Init.normal(Math.pow(w, -0.5)), w, c.embedDim()); // [in, out]: x @ W
  }

  /** ids [B, L] → text features [B, E] (not normalised). */
  NDArray forward(NDArray ids, Trace trace) {
    NDArray x = forwardTokens(ids, trace);                                             // [B, L, W]
    long b = x.getShape().get(0);
    long l = x.getShape().get(1);
    NDArray eot = ids.argMax(-1).toType(DataType.INT64, false);                        // first end-of-text: the largest id
    trace.put("text.eot_index", eot);
    NDArray rows = eot.add(ids.getManager().arange(0L, b * l, l));
    NDArray pooled = x.reshape(b * l, cfg.width()).get(new NDIndex("{}", rows));       // [B, W]
    trace.put("text.pooled", pooled);
    return pooled.matMul(textProjection.value());
  }

  /** Token states after ln_final: [B, L, W]. */
  NDArray forwardTokens(NDArray ids, Trace trace) {
    long l = ids.getShape().get(1);
    if (l > cfg.contextLength()) {
      throw new IllegalArgumentException("text length " + l + " exceeds the context length " + cfg.contextLength());
    }
    NDArray x = tokenEmbedding.forward(ids).add(positionalEmbedding.value().get(new NDIndex(":{}", l)));
    trace.put("text.embed_out", x);
    NDArray mask = causalMask(ids, x);
    trace.put("text.attn_mask", mask);
    for (Block block : blocks) x = block.forward(x, mask, "text", trace);
    x = lnFinal.forward(x);
    trace.put("text.ln_final_out", x);
    return x;
  }

  /** CLIP's causal mask [L, L] for these ids, in x's type. */
  static NDArray causalMask(NDArray ids, NDArray x) {
    return Ops.causalMask(ids.getManager(), (int) ids.getShape().get(1), x.getDataType());
  }

  List<Block> blocks() {
    return blocks;
  }
}
