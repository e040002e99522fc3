package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;

/**
 * Divided space-time attention (Bertasius et al. 2021, TimeSformer): in each block, first temporal attention (every token
 * position attends to itself across the frames), then spatial attention (every frame's tokens attend to each other),
 * then the MLP. The spatial part is exactly an image {@link VitBlock} applied frame by frame and keeps its keys
 * ({@code norm1}, {@code attn}, {@code norm2}, {@code mlp}), so an image ViT's block weights load unchanged; the temporal
 * part adds TimeSformer's {@code temporal_norm1}, {@code temporal_attn} and {@code temporal_fc}:
 * x ← x + temporal_fc(temporal_attn(temporal_norm1 x)).
 *
 * <p>{@code temporal_fc} starts at zero (weight and bias), so a fresh temporal branch adds exactly 0 and the block is the
 * image block on each frame. TimeSformer zeroes it in every block but the first; here every block is zeroed, so that the
 * whole model starts as the image model. Gradients still reach the branch: {@code temporal_fc} gets a gradient from the
 * first step, and the attention behind it once {@code temporal_fc} has moved.
 */
public final class DividedBlock extends Module {
  private final LayerNorm temporalNorm;
  private final QkvAttention temporalAttn;
  private final Linear temporalFc;
  private final DropPath dropPath;
  private final VitBlock spatial;

  public DividedBlock(int width, int heads, double mlpRatio, QkvAttention.Bias bias, double dropPath) {
    spatial = inline(new VitBlock(width, heads, mlpRatio, bias, dropPath));   // norm1, attn, norm2, mlp
    temporalNorm = child("temporal_norm1", new LayerNorm(width, VitBlock.LAYER_NORM_EPS));
    temporalAttn = child("temporal_attn", QkvAttention.timm(width, heads, bias));
    temporalFc = child("temporal_fc", new Linear(width, width, true, Init.ZEROS));
    this.dropPath = child("temporal_drop_path", new DropPath(dropPath));     // no parameters
  }

  /** x: [B, T, N, W] (T frames of N tokens each) → [B, T, N, W]; a single frame (T = 1, an image) skips the temporal part. */
  public NDArray forward(NDArray x) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    long n = x.getShape().get(2);
    long w = x.getShape().get(3);
    if (t == 1) return spatial.forward(x.reshape(b, n, w), null).reshape(b, t, n, w);
    NDArray xt = x.transpose(0, 2, 1, 3).reshape(b * n, t, w);                  // [B·N, T, W]: one sequence per position
    NDArray rt = temporalFc.forward(dropPath.forward(temporalAttn.forward(temporalNorm.forward(xt), null)));
    x = x.add(rt.reshape(b, n, t, w).transpose(0, 2, 1, 3));                    // [B, T, N, W]
    NDArray xs = spatial.forward(x.reshape(b * t, n, w), null);                 // [B·T, N, W]: one sequence per frame
    return xs.reshape(b, t, n, w);
  }
}
