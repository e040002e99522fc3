package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Ops;

/**
 * MOV's objective: cross-entropy of the fused video embedding's cosine logits over the text embeddings of the training
 * (base) classes' names, scaled by the temperature. Novel classes have no term: they are named only at test time.
 */
public final class MovLoss {
  private MovLoss() {}

  /**
   * @param video fused video embeddings [B, E], L2-normalised
   * @param classes the base classes' text embeddings [C, E], L2-normalised
   * @param scale exp(logit_scale), shape []
   * @param labels each clip's base class [B]
   * @return {@code mov_loss}
   */
  public static LossTerms compute(NDArray video, NDArray classes, NDArray scale, NDArray labels) {
    NDArray logits = video.matMul(classes.transpose()).mul(scale);                   // [B, C]
    return LossTerms.of("mov_loss", Ops.crossEntropy(logits, labels));
  }
}
