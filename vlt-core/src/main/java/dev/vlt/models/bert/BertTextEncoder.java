package dev.vlt.models.bert;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.PostNormEncoder;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;

/**
 * A bidirectional BERT text encoder (Devlin et al. 2019) as torchmultimodal's BERTTextEncoder: {@code embeddings}, then
 * post-norm layers {@code encoder.layer.N} with a key padding mask. Returns every token's last hidden state; BERT's pooler
 * and a final norm are not part of it (ALBEF reads the [CLS] state directly).
 */
public final class BertTextEncoder extends Module {
  private final BertConfig cfg;
  private final BertEmbeddings embeddings;
  private final PostNormEncoder encoder;

  public BertTextEncoder(BertConfig cfg) {
    this.cfg = cfg;
    embeddings = child("embeddings", new BertEmbeddings(cfg.embeddings()));
    encoder = child("encoder", new PostNormEncoder(cfg.hiddenSize(), cfg.layers(), cfg.heads(), cfg.intermediateSize(),
        cfg.embeddings().layerNormEps()));
  }

  /** ids [B, L]; atts [B, L], 1 for tokens to attend to and 0 for padding → [B, L, H]. */
  public NDArray forward(NDArray ids, NDArray atts) {
    NDArray x = embeddings.forward(ids);
    return encoder.forward(x, Ops.keyPaddingMask(atts, x.getDataType()));
  }

  public BertConfig config() {
    return cfg;
  }
}
