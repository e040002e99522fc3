package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Ops;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * INDIGO's objective, its two heads weighted equally: cross-entropy of the class token's logits against the class, and
 * cross-entropy of the multimodal token's cosine logits over every class × domain prompt against the sample's own
 * (class, domain) prompt.
 */
public final class IndigoLoss {
  private IndigoLoss() {}

  /**
   * @param classLogits [B, C]
   * @param textLogits [B, D·C], column {@code d * C + c} for class c in domain d
   * @param labels the classes [B]
   * @param domains the samples' domains [B]
   * @return {@code class_loss} and {@code text_loss}
   */
  public static LossTerms compute(NDArray classLogits, NDArray textLogits, NDArray labels, NDArray domains) {
    long c = classLogits.getShape().get(1);
    if (textLogits.getShape().get(1) % c != 0) {
      throw new IllegalArgumentException("text logits " + textLogits.getShape() + " are not D × " + c + " prompts");
    }
    NDArray prompt = domains.mul(c).add(labels);                                    // d·C + c
    Map<String, NDArray> terms = new LinkedHashMap<>();
    terms.put("class_loss", Ops.crossEntropy(classLogits, labels));
    terms.put("text_loss", Ops.crossEntropy(textLogits, prompt));
    return new LossTerms(terms);
  }
}
