package dev.vlt.models.coca;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.models.clip.TextConfig;
import dev.vlt.nn.Activation;
import dev.vlt.nn.Embedding;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.Transformer;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;

/**
 * CoCa's unimodal text tower (open_clip's TextTransformer with {@code embed_cls}): CLIP's causal tower with a learned CLS
 * token appended after the L text tokens. The CLS state, after ln_final and the projection, is the contrastive latent; the
 * L token states, without ln_final, feed the decoder.
 */
public final class CocaText extends Module {
  private final TextConfig cfg;
  private final int padId;
  private final Embedding tokenEmbedding;
  private final Parameter positionalEmbedding;
  private final Parameter clsEmb;
  private final Transformer transformer;
  private final LayerNorm lnFinal;
  private final Parameter textProjection;

  public CocaText(TextConfig cfg, int embedDim, Activation act, int padId) {
    this.cfg = cfg;
    this.padId = padId;
    int w = cfg.width();
    tokenEmbedding = child("token_embedding", new Embedding(cfg.vocabSize(), w, 0.02));
    positionalEmbedding = param("positional_embedding", Init.normal(0.01), cfg.contextLength() + 1L, w); // + the CLS slot
    clsEmb = param("cls_emb", Init.normal(0.01), w);
    transformer = child("transformer", new Transformer(w, cfg.layers(), cfg.heads(), cfg.mlpRatio(), act, 0.0));
    lnFinal = child("ln_final", new LayerNorm(w));
    textProjection = param("text_projection", Init.normal(Math.pow(w, -0.5)), w, embedDim); // [in, out]: x @ W
  }

  /** ids: [B, L] with L ≤ context length. */
  public TextEncoding forward(NDArray ids, Trace trace) {
    long b = ids.getShape().get(0);
    long l = ids.getShape().get(1);
    if (l > cfg.contextLength()) {
      throw new IllegalArgumentException("text length " + l + " exceeds the context length " + cfg.contextLength());
    }
    NDArray x = tokenEmbedding.forward(ids);                                            // [B, L, W]
    NDArray cls = clsEmb.value().toType(x.getDataType(), false).reshape(1, 1, cfg.width()).repeat(0, b);
    x = NDArrays.concat(new NDList(x, cls), 1);                                         // [B, L+1, W]: CLS last
    x = x.add(positionalEmbedding.value().get(new NDIndex(":{}", l + 1)));
    trace.put("text.embed_out", x);
    NDArray mask = clsMask(ids, padId, x.getDataType());                                // [B, 1, L+1, L+1]
    trace.put("text.attn_mask", mask.repeat(1, cfg.heads()).reshape(b * cfg.heads(), l + 1, l + 1));
    x = transformer.forward(x, mask, (i, out) -> trace.put("text.resblock." + i + "_out", out));
    NDArray pooled = lnFinal.forward(x.get(new NDIndex(":, -1")));                      // ln_final on the CLS state only
    trace.put("text.ln_final_out", pooled);
    return new TextEncoding(pooled.matMul(textProjection.value()), x.get(new NDIndex(":, :-1")));
  }

  /**
   * The additive attention mask [B, 1, L+1, L+1] of open_clip's {@code build_cls_mask} plus the causal mask. Rows 0..L−1
   * are causal. On the CLS row L, key 0 is always open and key j ≥ 1 is open iff {@code ids[j−1]} is not padding: the
   * padding test is shifted by one position, so the CLS token sees the first pad slot and does not see itself unless the
   * row is full. That is open_clip's off-by-one, kept because its checkpoints were trained with it (an intuitive mask
   * moves text features by ~0.85 on the reference fixture).
   */
  static NDArray clsMask(NDArray ids, int padId, DataType type) {
    int b = Math.toIntExact(ids.getShape().get(0));
    int l = Math.toIntExact(ids.getShape().get(1));
    int n = l + 1;
    long[] v = ids.toType(DataType.INT64, false).toLongArray();
    float[] m = new float[b * n * n];
    for (int s = 0; s < b; s++) {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          boolean open = i == l ? j == 0 || v[s * l + j - 1] != padId : j <= i;
          m[(s * n + i) * n + j] = open ? 0f : Float.NEGATIVE_INFINITY;
        }
      }
    }
    NDManager manager = ids.getManager();
    return manager.create(m, new Shape(b, 1, n, n)).toType(type, false);
  }

  public TextConfig config() {
    return cfg;
  }
}
