package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.Buffer;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import java.util.SplittableRandom;

/**
 * A visual tokenizer learned in the project: k-means over image patches, each patch's token the index of its nearest
 * centroid. It stands in for the trained tokenizers of BEiT (DALL-E's dVAE) and BEiT v2 / BEiT-3 (VQ-KD, distilled from
 * CLIP) as the target vocabulary of masked image modeling, which a small model trained from scratch has no other source
 * of. The features are the patch's pixels as the model sees them ({@link Patches#patchify} of the normalised image, not
 * normalised per patch: a flat red patch and a flat blue one must get different tokens).
 *
 * <p>The centroids are one checkpointed, never-trained {@link Buffer} {@code codebook} [K, p·p·C], so the tokenizer
 * travels in the model folder with the weights it trained. Until fitted it is all zeros; {@link #fit} runs k-means++
 * seeding and Lloyd's iterations on the patches of the images it is given (a training run fits it on its first batch).
 * Any model that predicts discrete image tokens (BEiT-3 here, FLAVA's masked image modeling without its dVAE) can own one.
 */
public final class PatchCodebook extends Module {
  /** Lloyd iterations of {@link #fit}: the assignments of a few thousand patches settle well before this. */
  public static final int ITERATIONS = 25;

  private final int size;
  private final int patch;
  private final Buffer codebook;
  private boolean fitted;

  /** {@code size} tokens over p×p patches of {@code channels}-channel images. */
  public PatchCodebook(int size, int patch, int channels) {
    if (size < 2) throw new IllegalArgumentException("a codebook needs at least 2 tokens, got " + size);
    this.size = size;
    this.patch = patch;
    codebook = buffer("codebook", DataType.FLOAT32, Init.ZEROS, size, (long) patch * patch * channels);
  }

  public int size() {
    return size;
  }

  /** Whether the centroids were fitted (a loaded codebook that is not all zeros was). */
  public boolean fitted() {
    if (!fitted) fitted = codebook.value().abs().sum().getFloat() > 0;
    return fitted;
  }

  /**
   * Fits the centroids to the patches of {@code images} [B, C, S, S] (normalised pixels, as the model sees them): k-means++
   * seeding from {@code seed}, then {@link #ITERATIONS} Lloyd iterations; a centroid left without patches is moved to the
   * patch farthest from its own centroid. Needs at least {@link #size()} patches.
   */
  public void fit(NDArray images, long seed) {
    NDArray p = Patches.patchify(images, patch);                                    // [B, L, D]
    int d = Math.toIntExact(p.getShape().get(2));
    float[] x = p.toType(DataType.FLOAT32, false).toFloatArray();
    int n = x.length / d;
    if (n < size) throw new IllegalArgumentException("fitting " + size + " tokens needs at least as many patches, got " + n);
    float[] c = kMeans(x, n, d, size, new SplittableRandom(seed));
    NDArray v = codebook.value().getManager().create(c, new Shape(size, d));
    NDScope.unregister(v);                                                          // a training step's scope must not close it
    codebook.set(v);
    fitted = true;
  }

  /** images [B, C, S, S] → the token of every patch [B, L] (int64), patches row-major. */
  public NDArray tokens(NDArray images) {
    NDArray p = Patches.patchify(images, patch);                                    // [B, L, D]
    NDArray c = codebook.value();                                                   // [K, D]
    // |p − c|² = |p|² − 2 p·c + |c|²; |p|² is the same for every centroid, so the argmin needs only the rest
    NDArray score = c.square().sum(new int[] {1}).sub(p.matMul(c.transpose()).mul(2));   // [B, L, K]
    return score.argMin(2).toType(DataType.INT64, false);
  }

  /** k-means on n points of d values (row-major) → k centroids (row-major). */
  static float[] kMeans(float[] x, int n, int d, int k, SplittableRandom rng) {
    float[] c = new float[k * d];
    double[] nearest = new double[n];
    int first = rng.nextInt(n);
    System.arraycopy(x, first * d, c, 0, d);
    for (int i = 0; i < n; i++) nearest[i] = dist(x, i, c, 0, d);
    for (int j = 1; j < k; j++) {                                                   // k-means++: P(point) ∝ distance²
      double total = 0;
      for (double v : nearest) total += v;
      int pick = 0;
      if (total > 0) {
        double r = rng.nextDouble() * total;
        while (pick < n - 1 && (r -= nearest[pick]) > 0) pick++;
      } else {
        pick = rng.nextInt(n);                                                      // every point is a centroid already
      }
      System.arraycopy(x, pick * d, c, j * d, d);
      for (int i = 0; i < n; i++) nearest[i] = Math.min(nearest[i], dist(x, i, c, j, d));
    }
    int[] assign = new int[n];
    for (int it = 0; it < ITERATIONS; it++) {
      for (int i = 0; i < n; i++) {
        int best = 0;
        double bestD = Double.MAX_VALUE;
        for (int j = 0; j < k; j++) {
          double v = dist(x, i, c, j, d);
          if (v < bestD) {
            bestD = v;
            best = j;
          }
        }
        assign[i] = best;
        nearest[i] = bestD;
      }
      double[] sum = new double[k * d];
      int[] count = new int[k];
      for (int i = 0; i < n; i++) {
        count[assign[i]]++;
        for (int t = 0; t < d; t++) sum[assign[i] * d + t] += x[i * d + t];
      }
      for (int j = 0; j < k; j++) {
        if (count[j] == 0) {                                                        // empty: take the worst-served point
          int far = 0;
          for (int i = 1; i < n; i++) if (nearest[i] > nearest[far]) far = i;
          System.arraycopy(x, far * d, c, j * d, d);
          nearest[far] = 0;
          continue;
        }
        for (int t = 0; t < d; t++) c[j * d + t] = (float) (sum[j * d + t] / count[j]);
      }
    }
    return c;
  }

  private static double dist(float[] x, int i, float[] c, int j, int d) {
    double s = 0;
    for (int t = 0; t < d; t++) {
      double v = x[i * d + t] - c[j * d + t];
      s += v * v;
    }
    return s;
  }
}
