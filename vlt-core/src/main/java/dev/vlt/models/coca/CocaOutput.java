package dev.vlt.models.coca;

import ai.djl.ndarray.NDArray;

/**
 * CoCa's training forward.
 *
 * @param imageFeatures L2-normalised image latents [B, E]
 * @param textFeatures L2-normalised text latents [B, E]
 * @param logitScale exp(logit_scale), a scalar
 * @param captionLogits the decoder's next-token logits for input ids[:, :−1]: [B, L−1, vocab]
 * @param captionLabels the teacher-forcing targets ids[:, 1:]: [B, L−1]
 */
public record CocaOutput(
    NDArray imageFeatures, NDArray textFeatures, NDArray logitScale, NDArray captionLogits, NDArray captionLabels) {
  /** logit_scale · img @ txtᵀ: [B_img, B_txt]. */
  public NDArray logitsPerImage() {
    return imageFeatures.matMul(textFeatures.transpose()).mul(logitScale);
  }
}
