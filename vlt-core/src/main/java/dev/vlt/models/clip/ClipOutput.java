package dev.vlt.models.clip;

import ai.djl.ndarray.NDArray;

/**
 * @param imageFeatures L2-normalised image embeddings [B, E]
 * @param textFeatures L2-normalised text embeddings [B, E]
 * @param logitScale exp(logit_scale), a scalar
 */
public record ClipOutput(NDArray imageFeatures, NDArray textFeatures, NDArray logitScale) {
  /** logit_scale · img @ txtᵀ: [B_img, B_txt]. */
  public NDArray logitsPerImage() {
    return imageFeatures.matMul(textFeatures.transpose()).mul(logitScale);
  }
}
