package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * The masking of visual parsing's Masked Feature Regression (Xue et al. 2021): visual tokens are masked in groups of
 * correlated tokens rather than independently, because a token masked alone is recovered from its correlated neighbours
 * and teaches little. A group is an anchor drawn at random among the tokens not yet masked and the tokens most similar to
 * it. vlt measures how correlated two tokens are by the cosine similarity of the visual encoder's output features (the
 * paper reads the dependencies off the visual encoder's self-attention; the cosine of the tokens that attention mixes is
 * the quantity it is computed from, and needs no hook into the encoder).
 *
 * @param ratio the fraction of tokens masked in each sample, in (0, 1): round(ratio·N), at least 1
 * @param groupSize tokens per group: the anchor and the groupSize − 1 unmasked tokens most similar to it (the last group
 *     is cut at the sample's count)
 */
public record CorrelatedMasking(double ratio, int groupSize) {
  public CorrelatedMasking {
    if (!(ratio > 0 && ratio < 1)) throw new IllegalArgumentException("mask ratio must be in (0, 1), got " + ratio);
    if (groupSize < 1) throw new IllegalArgumentException("group size must be at least 1, got " + groupSize);
  }

  /** Tokens masked out of {@code n}. */
  public int count(int n) {
    return Math.max(1, (int) Math.round(ratio * n));
  }

  /**
   * features [B, N, D] → mask [B, N] in the features' type, 1 where a token is masked; sample b draws its anchors from
   * {@code rngs[b]}, so a sample is masked the same way whatever batch it is in.
   */
  public NDArray mask(NDArray features, SplittableRandom[] rngs) {
    long b = features.getShape().get(0);
    int n = Math.toIntExact(features.getShape().get(1));
    if (rngs.length != b) throw new IllegalArgumentException(rngs.length + " random streams for a batch of " + b);
    NDArray unit = features.div(features.norm(new int[] {-1}, true).add(1e-12f));   // [B, N, D]
    float[] sim = unit.matMul(unit.transpose(0, 2, 1)).toType(DataType.FLOAT32, false).toFloatArray();   // [B, N, N]
    float[] mask = new float[Math.toIntExact(b * n)];
    for (int i = 0; i < b; i++) group(sim, i * n * n, n, rngs[i], mask, i * n);
    return features.getManager().create(mask, new Shape(b, n)).toType(features.getDataType(), false);
  }

  /** Masks one sample: similarity rows at {@code sim[from + a·n + j]}, mask entries at {@code mask[at + j]}. */
  private void group(float[] sim, int from, int n, SplittableRandom rng, float[] mask, int at) {
    int target = count(n);
    int masked = 0;
    while (masked < target) {
      int free = n - masked;
      int pick = rng.nextInt(free);
      int anchor = -1;
      for (int j = 0; j < n; j++) if (mask[at + j] == 0 && pick-- == 0) { anchor = j; break; }
      boolean[] taken = new boolean[n];
      for (int g = 0; g < groupSize && masked < target; g++) {
        int best = anchor;                                                       // the anchor first, then by similarity
        if (g > 0) {
          best = -1;
          for (int j = 0; j < n; j++) {
            if (mask[at + j] != 0 || taken[j]) continue;
            if (best < 0 || sim[from + anchor * n + j] > sim[from + anchor * n + best]) best = j;
          }
          if (best < 0) break;
        }
        taken[best] = true;
        mask[at + best] = 1;
        masked++;
      }
    }
  }
}
