package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.Ops;
import java.util.SplittableRandom;

/**
 * MAE's per-sample random masking (He et al. 2021, {@code random_masking}): each sample draws one noise value per token,
 * keeps the {@link #keep} tokens with the smallest noise and removes the rest. The noise is an input, so a run can pass
 * the reference's (parity) or draw its own from a seed ({@link #noise}).
 *
 * @param ratio the fraction of tokens removed, in [0, 1)
 */
public record RandomMasking(double ratio) {
  public RandomMasking {
    if (!(ratio >= 0 && ratio < 1)) throw new IllegalArgumentException("mask ratio must be in [0, 1), got " + ratio);
  }

  /**
   * The tokens kept, and the bookkeeping to put them back.
   *
   * @param kept [B, K, D]: the kept tokens in ids_keep order (ascending noise), not in spatial order
   * @param mask [B, L] float: 1 where a token was removed (the loss is taken there), 0 where kept
   * @param idsShuffle [B, L] int64: argsort(noise), ascending
   * @param idsRestore [B, L] int64: argsort(idsShuffle); token l of the image is entry idsRestore[l] of the shuffled order
   * @param idsKeep [B, K] int64: idsShuffle[:, :K]
   */
  public record Masked(NDArray kept, NDArray mask, NDArray idsShuffle, NDArray idsRestore, NDArray idsKeep) {}

  /** Tokens kept out of {@code length}: int(L·(1 − ratio)), truncated as MAE's Python does (16 → 4, 196 → 49 at 0.75). */
  public int keep(int length) {
    return (int) (length * (1 - ratio));
  }

  /** x: [B, L, D] tokens; noise: [B, L] with no ties within a row (small noise is kept). */
  public Masked apply(NDArray x, NDArray noise) {
    long b = x.getShape().get(0);
    int l = Math.toIntExact(x.getShape().get(1));
    if (!noise.getShape().equals(new Shape(b, l))) {
      throw new IllegalArgumentException("masking noise must be [" + b + ", " + l + "] for tokens " + x.getShape() + ", got "
          + noise.getShape());
    }
    int keep = keep(l);
    NDArray idsShuffle = noise.argSort(1, true);                                  // [B, L]
    NDArray idsRestore = idsShuffle.argSort(1, true);                             // [B, L]
    NDArray idsKeep = idsShuffle.get(new NDIndex(":, :{}", keep));                // [B, K]
    NDArray kept = Ops.gatherRows(x, idsKeep);                                    // [B, K, D]
    // MAE writes 0 to the first K shuffled slots and un-shuffles; a token is removed exactly when its rank is ≥ K
    NDArray mask = idsRestore.gte(keep).toType(x.getDataType(), false);           // [B, L]
    return new Masked(kept, mask, idsShuffle, idsRestore, idsKeep);
  }

  /** Uniform [0, 1) noise [batch, length] drawn from {@code seed}, a stand-in for MAE's {@code torch.rand(N, L)}. */
  public static NDArray noise(NDManager manager, int batch, int length, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] v = new float[batch * length];
    for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextDouble();
    return manager.create(v, new Shape(batch, length));
  }
}
