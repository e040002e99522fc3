package dev.vlt.models.albef;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * Image-text matching of B pairs: the fused text states and the ITM head's logits over (no match, match).
 *
 * @param multimodal the fused text states [B, L, H]
 * @param logits [B, 2]
 */
public record MatchOutput(NDArray multimodal, NDArray logits) {
  /** ALBEF's ranking score: the "match" logit [B]. */
  public NDArray score() {
    return logits.get(new NDIndex(":, 1"));
  }

  /** The match probability softmax(logits)[:, 1] [B]. */
  public NDArray probability() {
    return logits.softmax(-1).get(new NDIndex(":, 1"));
  }
}
