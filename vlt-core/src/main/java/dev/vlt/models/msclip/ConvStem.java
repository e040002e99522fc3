package dev.vlt.models.msclip;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.ModuleList;

/**
 * MS-CLIP's early specialization for images, after Xiao et al.'s "early convolutions": log2(P) 3×3 convolutions of
 * stride 2, each followed by ReLU, with channels doubling up to W, then a 1×1 convolution — in place of the P×P patch
 * embedding and of the first transformer block. MS-CLIP's stem also has BatchNorm; vlt leaves it out because tiny
 * batches make batch statistics noisy and {@code ln_pre} normalises the tokens right after. Keys {@code stem.N.weight/bias}.
 */
final class ConvStem extends Module {
  private final ModuleList<Conv2d> convs;

  ConvStem(int width, int patch) {
    int n = Integer.numberOfTrailingZeros(patch);
    convs = child("stem", new ModuleList<>());
    int in = 3;
    for (int k = 1; k <= n; k++) {
      int out = Math.max(8, width >> (n - k));   // W/2^(n-1), …, W/2, W
      if (k == n) out = width;
      convs.add(new Conv2d(in, out, 3, 2, 1, 1, true));
      in = out;
    }
    convs.add(new Conv2d(width, width, 1, 1, 0, 1, true));
  }

  /** images [B, 3, S, S] → feature map [B, W, S/P, S/P]. */
  NDArray forward(NDArray images) {
    NDArray x = images;
    for (int i = 0; i < convs.size() - 1; i++) x = ai.djl.nn.Activation.relu(convs.get(i).forward(x));
    return convs.get(convs.size() - 1).forward(x);
  }
}
