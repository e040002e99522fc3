package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import dev.vlt.models.coca.CocaOutput;
import dev.vlt.tensor.Ops;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CoCa's objective (Yu et al. 2022; open_clip's CoCaLoss): weighted CLIP contrastive loss plus weighted captioning
 * cross-entropy with padding ignored. open_clip_train's defaults weigh them 1 and 2.
 */
public record CocaLoss(double contrastiveWeight, double captionWeight, int padId) {
  public CocaLoss {
    if (contrastiveWeight < 0 || captionWeight < 0) {
      throw new IllegalArgumentException("loss weights must be non-negative, got contrastive " + contrastiveWeight
          + " and caption " + captionWeight);
    }
  }

  /** Weights 1.0 (contrastive) and 2.0 (caption), pad id 0: open_clip_train's defaults. */
  public static CocaLoss defaults() {
    return new CocaLoss(1.0, 2.0, 0);
  }

  /** Terms "contrastive_loss" and "caption_loss", each already weighted. */
  public LossTerms compute(CocaOutput out) {
    NDArray contrastive = ContrastiveLoss.compute(out.imageFeatures(), out.textFeatures(), out.logitScale()).total();
    NDArray caption = CaptionLoss.compute(out.captionLogits(), out.captionLabels(), padId);
    Map<String, NDArray> terms = new LinkedHashMap<>();
    terms.put("contrastive_loss", Ops.mul(contrastive, contrastiveWeight));
    terms.put("caption_loss", Ops.mul(caption, captionWeight));
    return new LossTerms(terms);
  }
}
