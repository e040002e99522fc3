package dev.vlt.models.msclip;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.ModuleList;

/**
 * MS-CLIP's efficient parallel branch for images: a light convolutional pathway beside the shared transformer. Stage k is
 * a 3×3 stride-2 convolution + ReLU on the previous stage (the image for k = 0), so it sees the image at stride 2^(k+1);
 * its lateral connection brings it down to the token grid with a depthwise convolution of kernel and stride P/2^(k+1)
 * and to width W with a 1×1 convolution, and adds it to the patch tokens before the named transformer block. This keeps
 * the multi-scale, convolution-to-transformer lateral design of MS-CLIP's branch while dropping its BatchNorms and LN
 * adapters (see {@link ConvStem} for why). Keys {@code stages.K.*}, {@code laterals.K.dw.*}, {@code laterals.K.pw.*}.
 */
final class ParallelBranch extends Module {
  private final ModuleList<Conv2d> stages;
  private final ModuleList<Lateral> laterals;
  private final int width;

  /** Depthwise down to the token grid, then pointwise to the transformer's width. */
  static final class Lateral extends Module {
    final Conv2d dw;
    final Conv2d pw;

    Lateral(int channels, int width, int factor) {
      dw = child("dw", new Conv2d(channels, channels, factor, factor, 0, channels, false));
      pw = child("pw", new Conv2d(channels, width, 1, 1, 0, 1, true));
    }
  }

  ParallelBranch(int width, int patch, int stageCount) {
    this.width = width;
    stages = child("stages", new ModuleList<>());
    laterals = child("laterals", new ModuleList<>());
    int in = 3;
    for (int k = 0; k < stageCount; k++) {
      int stride = 2 << k;
      int channels = Math.max(8, width * stride / patch);   // light: a quarter of W at stride P/4, W only at stride P
      stages.add(new Conv2d(in, channels, 3, 2, 1, 1, true));
      laterals.add(new Lateral(channels, width, patch / stride));
      in = channels;
    }
  }

  /** Stage k: previous [B, C, H, W] (the image for k = 0) → [B, C_k, H/2, W/2]. */
  NDArray stage(int k, NDArray previous) {
    return ai.djl.nn.Activation.relu(stages.get(k).forward(previous));
  }

  /** Stage k's features [B, C_k, ., .] → additions to the patch tokens [B, g², W]. */
  NDArray lateral(int k, NDArray features) {
    Lateral l = laterals.get(k);
    NDArray y = l.pw.forward(l.dw.forward(features));                 // [B, W, g, g]
    long b = y.getShape().get(0);
    return y.reshape(b, width, -1).transpose(0, 2, 1);                // row-major grid, as the patch tokens
  }

  int stages() {
    return stages.size();
  }
}
