package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Boxes;
import dev.vlt.tensor.Ops;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TransVG's box loss (Deng et al. 2021), as its released {@code trans_vg_loss} computes it: the L1 distance of the
 * normalised (cx, cy, w, h) summed over the four coordinates, plus 1 − GIoU of the corner boxes, each a mean over the
 * batch. The paper writes smooth-L1; the released code (and this) uses plain L1. Weights are DETR's 5 (L1) and 2 (GIoU).
 */
public record BoxLoss(double l1Weight, double giouWeight) {
  public BoxLoss {
    if (!(l1Weight >= 0 && giouWeight >= 0) || l1Weight + giouWeight == 0) {
      throw new IllegalArgumentException("box loss weights must be non-negative and not both 0, got l1 " + l1Weight + ", giou " + giouWeight);
    }
  }

  public static BoxLoss defaults() {
    return new BoxLoss(5.0, 2.0);
  }

  /** predicted, target [B, 4] normalised (cx, cy, w, h) → terms "l1_loss" and "giou_loss", each weighted. */
  public LossTerms compute(NDArray predicted, NDArray target) {
    long b = predicted.getShape().get(0);
    NDArray l1 = Ops.div(predicted.sub(target).abs().sum(), b);
    NDArray giou = Boxes.giou(Boxes.toXyxy(predicted), Boxes.toXyxy(target));
    NDArray giouLoss = giou.onesLike().sub(giou).mean();
    Map<String, NDArray> terms = new LinkedHashMap<>();
    terms.put("l1_loss", Ops.mul(l1, l1Weight));
    terms.put("giou_loss", Ops.mul(giouLoss, giouWeight));
    return new LossTerms(terms);
  }
}
