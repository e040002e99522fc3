package dev.vlt.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

/**
 * Box arithmetic in one place, for single boxes ({@code float[4]}) and for batches ([N, 4] arrays, differentiable). Two
 * layouts: corners {@code (x0, y0, x1, y1)} ("xyxy") and centre-size {@code (cx, cy, w, h)} ("cxcywh", what box heads
 * regress, normalised to [0, 1]). IoU and the generalised IoU of Rezatofighi et al. 2019 (GIoU = IoU − |C \ (A ∪ B)| / |C|,
 * C the smallest box enclosing both) are the same formulas in both forms; a test holds them to each other.
 */
public final class Boxes {
  private Boxes() {}

  /** (cx, cy, w, h) → (x0, y0, x1, y1). */
  public static float[] toXyxy(float[] cxcywh) {
    float cx = cxcywh[0];
    float cy = cxcywh[1];
    float hw = cxcywh[2] / 2;
    float hh = cxcywh[3] / 2;
    return new float[] {cx - hw, cy - hh, cx + hw, cy + hh};
  }

  /** (x0, y0, x1, y1) → (cx, cy, w, h). */
  public static float[] toCxcywh(float[] xyxy) {
    return new float[] {(xyxy[0] + xyxy[2]) / 2, (xyxy[1] + xyxy[3]) / 2, xyxy[2] - xyxy[0], xyxy[3] - xyxy[1]};
  }

  public static double area(float[] xyxy) {
    return Math.max(0, xyxy[2] - xyxy[0]) * (double) Math.max(0, xyxy[3] - xyxy[1]);
  }

  /** Intersection over union of two corner boxes; 0 when both are empty. */
  public static double iou(float[] a, float[] b) {
    double inter = intersection(a, b);
    double union = area(a) + area(b) - inter;
    return union <= 0 ? 0 : inter / union;
  }

  /** Generalised IoU of two corner boxes, in [−1, 1]. */
  public static double giou(float[] a, float[] b) {
    double inter = intersection(a, b);
    double union = area(a) + area(b) - inter;
    double iou = union <= 0 ? 0 : inter / union;
    double hull = (Math.max(a[2], b[2]) - Math.min(a[0], b[0])) * (double) (Math.max(a[3], b[3]) - Math.min(a[1], b[1]));
    return hull <= 0 ? iou : iou - (hull - union) / hull;
  }

  private static double intersection(float[] a, float[] b) {
    double w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
    double h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
    return w <= 0 || h <= 0 ? 0 : w * h;
  }

  /** [N, 4] (cx, cy, w, h) → [N, 4] (x0, y0, x1, y1). */
  public static NDArray toXyxy(NDArray cxcywh) {
    NDArray c = cxcywh.get(new NDIndex(":, :2"));
    NDArray half = Ops.div(cxcywh.get(new NDIndex(":, 2:")), 2);
    return NDArrays.concat(new NDList(c.sub(half), c.add(half)), 1);
  }

  /** [N, 4] (x0, y0, x1, y1) → [N, 4] (cx, cy, w, h). */
  public static NDArray toCxcywh(NDArray xyxy) {
    NDArray lo = xyxy.get(new NDIndex(":, :2"));
    NDArray hi = xyxy.get(new NDIndex(":, 2:"));
    return NDArrays.concat(new NDList(Ops.div(lo.add(hi), 2), hi.sub(lo)), 1);
  }

  /**
   * Row-wise generalised IoU of corner boxes a, b [N, 4] → [N], differentiable in both (torchvision's
   * {@code generalized_box_iou} on the diagonal). Boxes must have x1 ≥ x0 and y1 ≥ y0; a degenerate enclosing box (both
   * boxes empty at one point) gives a 0/0, which the small epsilon turns into a finite value.
   */
  public static NDArray giou(NDArray a, NDArray b) {
    NDArray areaA = side(a, 2, 0).mul(side(a, 3, 1));
    NDArray areaB = side(b, 2, 0).mul(side(b, 3, 1));
    NDArray lo = NDArrays.maximum(a.get(new NDIndex(":, :2")), b.get(new NDIndex(":, :2")));
    NDArray hi = NDArrays.minimum(a.get(new NDIndex(":, 2:")), b.get(new NDIndex(":, 2:")));
    NDArray wh = hi.sub(lo).clip(0, Float.MAX_VALUE);                                        // [N, 2]
    NDArray inter = wh.get(new NDIndex(":, 0")).mul(wh.get(new NDIndex(":, 1")));
    NDArray union = areaA.add(areaB).sub(inter);
    NDArray eps = union.zerosLike().add(1e-7);
    NDArray iou = inter.div(union.add(eps));
    NDArray hullLo = NDArrays.minimum(a.get(new NDIndex(":, :2")), b.get(new NDIndex(":, :2")));
    NDArray hullHi = NDArrays.maximum(a.get(new NDIndex(":, 2:")), b.get(new NDIndex(":, 2:")));
    NDArray hwh = hullHi.sub(hullLo);
    NDArray hull = hwh.get(new NDIndex(":, 0")).mul(hwh.get(new NDIndex(":, 1")));
    return iou.sub(hull.sub(union).div(hull.add(eps)));
  }

  private static NDArray side(NDArray boxes, int hi, int lo) {
    return boxes.get(new NDIndex(":, " + hi)).sub(boxes.get(new NDIndex(":, " + lo)));
  }
}
