package dev.vlt.models.flava;

import ai.djl.ndarray.NDArray;
import dev.vlt.models.bert.BertEmbeddings;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;

/**
 * FLAVA's text encoder ({@code text_encoder}): BERT's embeddings (word + position + token type 0, LayerNorm), then the
 * pre-norm {@link FlavaEncoder} with padding keys masked (the mask built from the ids, as torchmultimodal does).
 */
final class TextEncoder extends Module {
  private final BertEmbeddings embeddings;
  private final FlavaEncoder encoder;
  private final int padId;

  TextEncoder(FlavaConfig cfg) {
    embeddings = child("embeddings", new BertEmbeddings(cfg.textEmbeddings()));
    encoder = inline(new FlavaEncoder(cfg.text()));
    padId = cfg.padId();
  }

  /** ids [B, L] → the encoder's output over L tokens. */
  FlavaOutput forward(NDArray ids) {
    NDArray x = embeddings.forward(ids);
    return encoder.forward(x, Ops.keyPaddingMask(ids.neq(padId), x.getDataType()));
  }
}
