package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.Batch;
import dev.vlt.nn.BlockMasking;
import java.util.SplittableRandom;

/**
 * A block-wise image mask for masked image modeling (BEiT-3's and FLAVA's): the mask [B, L] (1 = masked) and the flat
 * positions (b·L + l) of its masked patches [M], with the visual tokens there [M].
 */
public record MaskedImage(NDArray mask, NDArray rows, NDArray labels) {
  /**
   * One mask per sample of {@code batch}, drawn by {@code blocks} from {@code salt} and the sample's id (so a resumed run
   * draws the same), over the visual tokens [B, L] of its images.
   */
  static MaskedImage draw(Batch batch, NDManager manager, BlockMasking blocks, NDArray tokens, long salt) {
    int b = batch.size();
    int l = blocks.height() * blocks.width();
    float[] mask = new float[b * l];
    long[] rows = new long[b * blocks.count()];
    int k = 0;
    for (int i = 0; i < b; i++) {
      boolean[] m = blocks.draw(new SplittableRandom(SplitMix.mix(salt, batch.samples().get(i).id().hashCode())));
      for (int j = 0; j < l; j++) {
        if (!m[j]) continue;
        mask[i * l + j] = 1;
        rows[k++] = (long) i * l + j;
      }
    }
    NDArray r = manager.create(rows);
    return new MaskedImage(manager.create(mask, new Shape(b, l)), r, tokens.reshape(-1).get(new NDIndex("{}", r)));
  }
}
