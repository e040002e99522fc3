package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vlt.models.flava.MaskedLogits;
import dev.vlt.tensor.Ops;

/**
 * FLAVA's pretraining losses as torchmultimodal's {@code FLAVAPretrainingLoss} computes them: cross-entropy means for the
 * masked-prediction heads (MLM, MIM, MMM text and image) and for matching (ITM), and the global contrastive loss over the
 * pairs that match, scored against every text and image of the batch.
 */
public final class FlavaLoss {
  private FlavaLoss() {}

  /**
   * Cross-entropy mean over the positions that have a target; 0 (with a gradient path) when none has, as when no matching
   * pair of a small batch drew a masked token.
   */
  public static NDArray masked(MaskedLogits m) {
    if (m.labels().size() == 0) return m.logits().sum();
    return Ops.crossEntropy(m.logits(), m.labels());
  }

  /** ITM: logits [B, 2], labels [B] (1 = matching pair) → CE mean over all rows. */
  public static NDArray itm(NDArray logits, NDArray labels) {
    return Ops.crossEntropy(logits, labels);
  }

  /** VQA as answer classification (FLAVA's fine-tuning on VQA): logits [R, answers], labels [R] → CE mean. */
  public static NDArray vqa(NDArray logits, NDArray labels) {
    return Ops.crossEntropy(logits, labels);
  }

  /**
   * The global contrastive loss's terms.
   *
   * @param imageEmbedding [B, E] L2-normalised
   * @param textEmbedding [B, E] L2-normalised
   * @param imageLogits [P, B]: exp(s)·img_n @ txt_nᵀ, rows of the matching pairs only
   * @param textLogits [P, B]: exp(s)·txt_n @ img_nᵀ, the same rows
   * @param imageLoss CE(imageLogits, positives' own indices)
   * @param textLoss likewise
   * @param loss (imageLoss + textLoss) / 2
   */
  public record Contrastive(NDArray imageEmbedding, NDArray textEmbedding, NDArray imageLogits, NDArray textLogits,
      NDArray imageLoss, NDArray textLoss, NDArray loss) {}

  /**
   * Contrastive loss over the batch: every image against every text (all B columns kept), rows restricted to the matching
   * pairs {@code positives} (torchmultimodal selects rows by its ITM labels; all of them for an all-positive batch).
   *
   * @param image [B, E] projected image features, not normalised
   * @param text [B, E] projected text features, not normalised
   * @param logitScale log(1/T), shape []
   * @param positives indices of the matching pairs, ascending
   */
  public static Contrastive contrastive(NDArray image, NDArray text, NDArray logitScale, long[] positives) {
    NDManager m = image.getManager();
    NDArray img = Ops.l2Normalize(image);
    NDArray txt = Ops.l2Normalize(text);
    NDArray scale = logitScale.exp();
    NDArray rows = m.create(positives);
    NDArray imageLogits = img.matMul(txt.transpose()).mul(scale).get(new ai.djl.ndarray.index.NDIndex("{}", rows));
    NDArray textLogits = txt.matMul(img.transpose()).mul(scale).get(new ai.djl.ndarray.index.NDIndex("{}", rows));
    NDArray imageLoss = Ops.crossEntropy(imageLogits, rows);
    NDArray textLoss = Ops.crossEntropy(textLogits, rows);
    NDArray loss = Ops.div(imageLoss.add(textLoss), 2);
    return new Contrastive(img, txt, imageLogits, textLogits, imageLoss, textLoss, loss);
  }
}
