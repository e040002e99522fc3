package dev.vlt.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.vlt.models.albef.RetrievalOutput;
import dev.vlt.tensor.NoGrad;
import java.util.SplittableRandom;

/**
 * ALBEF's hard negatives for image-text matching (Li et al. 2021, §3.2): for each text an image drawn with probability
 * softmax of the text's in-batch similarities, and for each image a text likewise, so pairs the contrastive head finds
 * similar are chosen more often. Only the pair itself is excluded (the diagonal), as torchmultimodal does: another pair
 * with the same sample id can be drawn as a "negative" (ALBEF's own code also excludes equal ids).
 */
public final class HardNegatives {
  private HardNegatives() {}

  /** Draws one index with probability proportional to non-negative weights (torch.multinomial of one sample). */
  @FunctionalInterface
  public interface Sampler {
    int draw(double[] weights);
  }

  /** A sampler from a seeded generator: one uniform draw per call, inverted through the cumulative weights. */
  public static Sampler seeded(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    return w -> {
      double total = 0;
      for (double v : w) total += v;
      double u = rng.nextDouble() * total;
      int last = -1;
      for (int i = 0; i < w.length; i++) {
        if (w[i] <= 0) continue;
        last = i;
        u -= w[i];
        if (u < 0) return i;
      }
      return last;  // rounding left u ≥ 0: the last index with weight
    };
  }

  /**
   * The mined negatives.
   *
   * @param weightsI2t softmax of the image-to-text in-batch similarities with a zero diagonal [B, B]; {@code weightsT2i}
   *     likewise from text to image
   * @param images for text b, the index of its negative image [B]
   * @param texts for image b, the index of its negative text [B]
   */
  public record Draws(NDArray weightsI2t, NDArray weightsT2i, long[] images, long[] texts) {}

  public static Draws sample(RetrievalOutput out, Sampler sampler) {
    return sample(out.simI2t(), out.simT2i(), sampler);
  }

  /**
   * @param simI2t and @param simT2i similarities [B, N ≥ B] whose first B columns are the batch
   * @param sampler called B times for the images (text rows 0..B−1), then B times for the texts, as ALBEF draws them
   */
  public static Draws sample(NDArray simI2t, NDArray simT2i, Sampler sampler) {
    int b = Math.toIntExact(simI2t.getShape().get(0));
    if (b < 2) throw new IllegalArgumentException("hard negatives need at least 2 pairs in a batch, got " + b);
    try (NoGrad ignored = NoGrad.open()) {
      NDArray offDiagonal = simI2t.getManager().eye(b).neg().add(1f).toType(simI2t.getDataType(), false);
      NDArray wI2t = simI2t.get(new NDIndex(":, :{}", b)).softmax(1).mul(offDiagonal);
      NDArray wT2i = simT2i.get(new NDIndex(":, :{}", b)).softmax(1).mul(offDiagonal);
      long[] images = draw(wT2i, b, sampler);
      long[] texts = draw(wI2t, b, sampler);
      return new Draws(wI2t, wT2i, images, texts);
    }
  }

  private static long[] draw(NDArray weights, int b, Sampler sampler) {
    double[] w = weights.toType(DataType.FLOAT64, false).toDoubleArray();
    long[] out = new long[b];
    for (int r = 0; r < b; r++) {
      double[] row = java.util.Arrays.copyOfRange(w, r * b, (r + 1) * b);
      int i = sampler.draw(row);
      if (i < 0 || i >= b || row[i] <= 0) {
        throw new IllegalStateException("sampler drew index " + i + " for row " + r + ", whose weight there is not positive");
      }
      out[r] = i;
    }
    return out;
  }
}
