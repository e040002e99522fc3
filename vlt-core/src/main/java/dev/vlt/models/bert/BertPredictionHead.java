package dev.vlt.models.bert;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.Linear;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;

/**
 * BERT's token prediction head: decoder(LN(GELU(dense(x)))), the decoder a Linear to the vocabulary with its own bias
 * ({@code dense}, {@code layer_norm}, {@code decoder}). The masked-LM head of BERT and the causal-LM head of ALBEF's answer
 * decoder; its decoder weight is not tied to the word embeddings here.
 */
public final class BertPredictionHead extends Module {
  private final Linear dense;
  private final LayerNorm layerNorm;
  private final Linear decoder;

  public BertPredictionHead(PredictionHeadConfig cfg) {
    dense = child("dense", new Linear(cfg.hiddenSize(), cfg.hiddenSize()));
    layerNorm = child("layer_norm", new LayerNorm(cfg.hiddenSize(), cfg.layerNormEps()));
    decoder = child("decoder", new Linear(cfg.hiddenSize(), cfg.vocabSize()));
  }

  /** x: [..., H] → token scores [..., vocab]. */
  public NDArray forward(NDArray x) {
    return decoder.forward(layerNorm.forward(Ops.gelu(dense.forward(x))));
  }
}
