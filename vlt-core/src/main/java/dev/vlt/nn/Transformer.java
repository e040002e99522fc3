package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.ModuleList;
import java.util.function.BiConsumer;

/** A stack of pre-norm residual blocks, {@code resblocks.N} in checkpoints. */
public final class Transformer extends Module {
  private final ModuleList<ResidualBlock> blocks;

  public Transformer(int width, int layers, int heads, double mlpRatio, Activation act, double dropPath) {
    blocks = child("resblocks", new ModuleList<>());
    for (int i = 0; i < layers; i++) {
      blocks.add(new ResidualBlock(width, heads, mlpRatio, act, false, DropPath.rate(dropPath, i, layers)));
    }
  }

  public NDArray forward(NDArray x, NDArray mask) {
    return forward(x, mask, null);
  }

  /** Runs the blocks; {@code afterBlock} (may be null) observes each block's output, e.g. to record intermediates. */
  public NDArray forward(NDArray x, NDArray mask, BiConsumer<Integer, NDArray> afterBlock) {
    for (int i = 0; i < blocks.size(); i++) {
      ResidualBlock block = blocks.get(i);
      x = block.forward(x, mask);
      if (afterBlock != null) afterBlock.accept(i, x);
    }
    return x;
  }

  public int layers() {
    return blocks.size();
  }
}
