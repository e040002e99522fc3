package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A stack of {@link VitBlock}s named {@code 0, 1, …} directly under its owner's key, as timm's {@code blocks} (an
 * nn.Sequential) and MAE's {@code decoder_blocks} (an nn.ModuleList) are stored.
 */
public final class VitBlocks extends Module {
  private final List<VitBlock> blocks = new ArrayList<>();

  /** @param dropPath the stochastic-depth rate of the last block; earlier blocks get linearly less, the first none */
  public VitBlocks(int width, int depth, int heads, double mlpRatio, QkvAttention.Bias bias, double dropPath) {
    for (int i = 0; i < depth; i++) {
      blocks.add(child(Integer.toString(i), new VitBlock(width, heads, mlpRatio, bias, DropPath.rate(dropPath, i, depth))));
    }
  }

  /** x: [B, N, W] → [B, N, W]; {@code afterBlock} (may be null) observes each block's output. */
  public NDArray forward(NDArray x, BiConsumer<Integer, NDArray> afterBlock) {
    return forward(x, null, afterBlock);
  }

  /** x: [B, N, W], mask additive (broadcastable to [B, heads, N, N]) or null → [B, N, W]. */
  public NDArray forward(NDArray x, NDArray mask, BiConsumer<Integer, NDArray> afterBlock) {
    for (int i = 0; i < blocks.size(); i++) {
      x = blocks.get(i).forward(x, mask);
      if (afterBlock != null) afterBlock.accept(i, x);
    }
    return x;
  }

  public int depth() {
    return blocks.size();
  }
}
