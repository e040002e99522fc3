package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * VideoMAE's tube masking ({@code TubeMaskingGenerator}, Tong et al. 2022): one random spatial mask per sample, the same
 * for every temporal slot, so a masked patch stays hidden for the whole clip and cannot be copied from a neighbouring
 * frame. Tokens are ordered (t', h', w') row-major: n = t'·H'W' + h'·W' + w'.
 *
 * @param slots temporal token slots T' (frames / tubelet size)
 * @param tokensPerSlot spatial tokens per slot, H'·W'
 * @param ratio the fraction of tokens masked
 */
public record TubeMasking(int slots, int tokensPerSlot, double ratio) {
  public TubeMasking {
    if (slots <= 0 || tokensPerSlot <= 0) throw new IllegalArgumentException("tube masking needs positive token counts");
    if (!(ratio >= 0 && ratio < 1)) throw new IllegalArgumentException("mask ratio must be in [0, 1), got " + ratio);
  }

  /**
   * Visible and masked token indices of each sample, each ascending.
   *
   * @param visible [B, V] int64
   * @param masked [B, M] int64
   */
  public record Indices(NDArray visible, NDArray masked) {}

  /** Masked tokens per slot: int(ratio·H'W'), truncated. (VideoMAE truncates the masked count, MAE the kept count.) */
  public int maskedPerSlot() {
    return (int) (ratio * tokensPerSlot);
  }

  public int tokens() {
    return slots * tokensPerSlot;
  }

  /** A mask [batch, T'·H'W'] int64, 1 = masked, drawn from {@code rng} (each sample its own spatial pattern). */
  public NDArray sample(NDManager manager, int batch, SplittableRandom rng) {
    long[] mask = new long[batch * tokens()];
    int[] perSlot = new int[tokensPerSlot];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < tokensPerSlot; i++) perSlot[i] = i < tokensPerSlot - maskedPerSlot() ? 0 : 1;
      for (int i = tokensPerSlot - 1; i > 0; i--) {                                // Fisher-Yates
        int j = rng.nextInt(i + 1);
        int tmp = perSlot[i];
        perSlot[i] = perSlot[j];
        perSlot[j] = tmp;
      }
      for (int s = 0; s < slots; s++) {
        for (int i = 0; i < tokensPerSlot; i++) mask[b * tokens() + s * tokensPerSlot + i] = perSlot[i];
      }
    }
    return manager.create(mask, new Shape(batch, tokens()));
  }

  /**
   * Splits a 0/1 mask [B, N] (any integer or boolean type, 1 = masked) into ascending visible and masked indices. Every
   * sample must mask the same number of tokens: the visible tokens of a batch form one [B, V, D] tensor.
   */
  public static Indices indices(NDArray mask) {
    if (mask.getShape().dimension() != 2) throw new IllegalArgumentException("a token mask is [B, N], got " + mask.getShape());
    int b = Math.toIntExact(mask.getShape().get(0));
    int n = Math.toIntExact(mask.getShape().get(1));
    long[] m = mask.toType(DataType.INT64, false).toLongArray();
    int maskedCount = -1;
    long[] visible = null;
    long[] masked = null;
    for (int s = 0; s < b; s++) {
      int count = 0;
      for (int i = 0; i < n; i++) {
        if (m[s * n + i] != 0 && m[s * n + i] != 1) throw new IllegalArgumentException("a token mask holds 0 or 1, got " + m[s * n + i]);
        count += (int) m[s * n + i];
      }
      if (maskedCount < 0) {
        maskedCount = count;
        visible = new long[b * (n - count)];
        masked = new long[b * count];
      } else if (count != maskedCount) {
        throw new IllegalArgumentException("every sample must mask the same number of tokens: sample 0 masks " + maskedCount
            + ", sample " + s + " masks " + count);
      }
      int v = 0;
      int k = 0;
      for (int i = 0; i < n; i++) {
        if (m[s * n + i] == 0) visible[s * (n - count) + v++] = i;
        else masked[s * count + k++] = i;
      }
    }
    NDManager manager = mask.getManager();
    return new Indices(manager.create(visible, new Shape(b, n - maskedCount)), manager.create(masked, new Shape(b, maskedCount)));
  }
}
