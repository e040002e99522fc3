package dev.vlt.models.flava;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;

/**
 * FLAVA's multimodal encoder ({@code mm_encoder}): its own {@code cls_token} prepended to the projected image and text
 * states, then the pre-norm {@link FlavaEncoder}. torchmultimodal passes no attention mask here, so text padding is
 * attended.
 */
final class MultimodalEncoder extends Module {
  private final Parameter clsToken;
  private final FlavaEncoder encoder;

  MultimodalEncoder(FlavaConfig cfg) {
    clsToken = param("cls_token", Init.normal(0.02), 1, 1, cfg.multimodal().hidden());
    encoder = inline(new FlavaEncoder(cfg.multimodal()));
  }

  /** image [B, 1 + N, W] and text [B, L, W], already projected → output over 1 + (1 + N) + L tokens. */
  FlavaOutput forward(NDArray image, NDArray text) {
    NDArray x = NDArrays.concat(new NDList(image, text), 1);
    NDArray cls = clsToken.value().broadcast(x.getShape().get(0), 1, x.getShape().get(2));
    return encoder.forward(NDArrays.concat(new NDList(cls, x), 1), null);
  }
}
