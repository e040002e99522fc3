package dev.vlt.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.vlt.nn.Embedding;
import dev.vlt.nn.LayerNorm;
import dev.vlt.tensor.Module;

/**
 * BERT's input embeddings: LN(word + position + token type), with {@code word_embeddings}, {@code position_embeddings},
 * {@code token_type_embeddings} and {@code layer_norm}. Positions count from 0 and every token is of type 0 (torchmultimodal's
 * defaults, which ALBEF uses). As torch's {@code padding_idx}, the padding row of the word table gets no gradient.
 */
public final class BertEmbeddings extends Module {
  private final BertEmbeddingsConfig cfg;
  private final Embedding wordEmbeddings;
  private final Embedding positionEmbeddings;
  private final Embedding tokenTypeEmbeddings;
  private final LayerNorm layerNorm;

  public BertEmbeddings(BertEmbeddingsConfig cfg) {
    this.cfg = cfg;
    int h = cfg.hiddenSize();
    wordEmbeddings = child("word_embeddings", new Embedding(cfg.vocabSize(), h, 0.02));       // BERT's init: N(0, 0.02)
    positionEmbeddings = child("position_embeddings", new Embedding(cfg.maxPositions(), h, 0.02));
    tokenTypeEmbeddings = child("token_type_embeddings", new Embedding(cfg.typeVocabSize(), h, 0.02));
    layerNorm = child("layer_norm", new LayerNorm(h, cfg.layerNormEps()));
  }

  /** ids: [B, L] with L ≤ max_position_embeddings → [B, L, H]. */
  public NDArray forward(NDArray ids) {
    long l = ids.getShape().get(1);
    if (l > cfg.maxPositions()) {
      throw new IllegalArgumentException("text length " + l + " exceeds max_position_embeddings " + cfg.maxPositions());
    }
    NDArray words = padRowFrozen(wordEmbeddings.forward(ids), ids);                          // [B, L, H]
    NDArray positions = positionEmbeddings.weight().value().get(new NDIndex(":{}", l));       // [L, H]: ids 0..L-1
    NDArray tokenType = tokenTypeEmbeddings.weight().value().get(new NDIndex("0"));            // [H]: type 0 everywhere
    return layerNorm.forward(words.add(positions).add(tokenType));
  }

  /**
   * The same values, with the gradient to padding positions cut (torch's padding_idx): e·k + stop(e)·(1−k) is exactly e
   * in value for k ∈ {0, 1}, and its gradient is k.
   */
  private NDArray padRowFrozen(NDArray e, NDArray ids) {
    NDArray keep = ids.neq(cfg.padId()).toType(e.getDataType(), false).expandDims(-1);        // [B, L, 1]
    NDArray cut = keep.neg().add(keep.onesLike());
    return e.mul(keep).add(e.stopGradient().mul(cut));
  }

  public BertEmbeddingsConfig config() {
    return cfg;
  }
}
