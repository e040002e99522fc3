package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;

/** Stochastic depth: in training, drops a residual branch for whole samples with probability p and rescales the rest. */
public final class DropPath extends Module {
  private final float p;

  public DropPath(double p) {
    if (p < 0 || p >= 1) throw new IllegalArgumentException("drop-path probability must be in [0, 1), got " + p);
    this.p = (float) p;
  }

  /** The rate of block {@code layer} of {@code layers} when the last has {@code max}: linear in depth (timm, open_clip). */
  public static double rate(double max, int layer, int layers) {
    return layers > 1 ? max * layer / (layers - 1) : max;
  }

  /** x: [B, ...]; one keep/drop decision per sample. */
  public NDArray forward(NDArray x) {
    if (!isTraining() || p == 0f) return x;
    long[] s = x.getShape().getShape();
    long[] maskShape = new long[s.length];
    java.util.Arrays.fill(maskShape, 1);
    maskShape[0] = s[0];
    NDArray keep = x.getManager().randomUniform(0f, 1f, new Shape(maskShape), x.getDataType()).gte(p).toType(x.getDataType(), false);
    return Ops.div(x.mul(keep), 1 - p);
  }
}
