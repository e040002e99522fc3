package dev.vlt.models.flava;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;

/**
 * One FLAVA encoder's output (torchmultimodal's {@code TransformerOutput}).
 *
 * @param lastHiddenState [B, L, W] after the final layernorm
 * @param poolerOutput [B, W]: tanh(pooler.dense(lastHiddenState[:, 0]))
 * @param hiddenStates the encoder input, then each layer's output before the final layernorm: layers + 1 of [B, L, W]
 */
public record FlavaOutput(NDArray lastHiddenState, NDArray poolerOutput, List<NDArray> hiddenStates) {
  /** The batch rows {@code index} [K] picks (in its order, repeats allowed) of every field: K rows. */
  public FlavaOutput rows(NDArray index) {
    NDIndex at = new NDIndex("{}", index);
    return new FlavaOutput(lastHiddenState.get(at), poolerOutput.get(at), hiddenStates.stream().map(h -> h.get(at)).toList());
  }

  /** The last layer's output without the final layernorm: what the multimodal encoder reads. */
  public NDArray lastLayer() {
    return hiddenStates.get(hiddenStates.size() - 1);
  }
}
