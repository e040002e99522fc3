package dev.vlt.models.grounding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.nn.Linear;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;

/**
 * A reference point for the box ({@code box_anchor}): [REG]'s output queries the fused patch tokens ({@code query},
 * {@code key}), and the softmax-weighted mean of the patch centres is where the box head's centre offset starts (the
 * reference points of Deformable / Conditional DETR). Trained from scratch, a [REG] token alone first learns the mean box
 * and only slowly learns to look at the referred object; through the reference point the box loss moves [REG]'s attention
 * towards the patches near the target at once, which is what grounding needs.
 */
public final class PatchAnchor extends Module {
  private final Linear query;
  private final Linear key;
  private final int grid;
  private final double scale;

  public PatchAnchor(int width, int grid) {
    query = child("query", new Linear(width, width));
    key = child("key", new Linear(width, width));
    this.grid = grid;
    this.scale = 1.0 / Math.sqrt(width);
  }

  /** reg [B, W], patches [B, N, W] (row-major grid, N = grid²) → reference (cx, cy) [B, 2], normalised to (0, 1). */
  public NDArray forward(NDArray reg, NDArray patches) {
    NDArray q = query.forward(reg).expandDims(1);                                       // [B, 1, W]
    NDArray k = key.forward(patches);                                                   // [B, N, W]
    NDArray a = Ops.mul(q.batchMatMul(k.transpose(0, 2, 1)), scale).softmax(-1);  // [B, 1, N]
    return a.batchMatMul(centres(patches.getManager(), patches.getDataType())
        .expandDims(0).repeat(0, patches.getShape().get(0))).squeeze(1);              // [B, 2]
  }

  /** [N, 2]: (x, y) of each patch's centre in the unit square, row-major. */
  private NDArray centres(NDManager m, ai.djl.ndarray.types.DataType type) {
    float[] c = new float[grid * grid * 2];
    for (int i = 0; i < grid; i++) {
      for (int j = 0; j < grid; j++) {
        c[2 * (i * grid + j)] = (j + 0.5f) / grid;
        c[2 * (i * grid + j) + 1] = (i + 0.5f) / grid;
      }
    }
    return m.create(c, new Shape(grid * grid, 2)).toType(type, false);
  }
}
