package dev.vlt.models.indigo;

import ai.djl.ndarray.NDArray;

/**
 * INDIGO's two heads for a batch.
 *
 * @param classLogits the class token's linear head [B, C]
 * @param textLogits the multimodal token against every class × domain prompt, exp(logit_scale) · cosine [B, D·C], column
 *     {@code d * C + c} for class c in domain d
 * @param logitScale exp(logit_scale), shape []
 */
public record IndigoOutput(NDArray classLogits, NDArray textLogits, NDArray logitScale) {
  /** The class token head's probabilities [B, C]. */
  public NDArray classTokenProbabilities() {
    return classLogits.softmax(-1);
  }

  /**
   * The multimodal token's class probabilities [B, C]: its softmax over every class × domain prompt, summed over the
   * domains. A held-out domain has no prompt of its own, so a picture of it is scored against the training domains' prompts.
   */
  public NDArray textProbabilities() {
    long b = textLogits.getShape().get(0);
    long c = classLogits.getShape().get(1);
    return textLogits.softmax(-1).reshape(b, -1, c).sum(new int[] {1});
  }

  /** The mean of both heads' probabilities [B, C]. */
  public NDArray combinedProbabilities() {
    return classTokenProbabilities().add(textProbabilities()).div(2f);
  }

  /** The probabilities {@code prediction} names ({@link IndigoConfig#PREDICTIONS}). */
  public NDArray probabilities(String prediction) {
    return switch (prediction) {
      case "combined" -> combinedProbabilities();
      case "class-token" -> classTokenProbabilities();
      case "text" -> textProbabilities();
      default -> throw new IllegalArgumentException("unknown prediction '" + prediction + "'; known: " + IndigoConfig.PREDICTIONS);
    };
  }
}
