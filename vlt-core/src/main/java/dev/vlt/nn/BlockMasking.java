package dev.vlt.nn;

import java.util.SplittableRandom;

/**
 * BEiT's block-wise masking (Bao et al. 2022, Algorithm 1): rectangles of patches are masked one after another, each of
 * area s ∈ [{@code minBlock}, remaining] and aspect ratio r with log r uniform in [log 0.3, log 1/0.3], until the
 * masked count reaches round(ratio · H·W). BEiT lets the count stop a little short when no block fits; here a block that
 * cannot be placed after {@link #ATTEMPTS} draws is retried at a smaller area, down to one patch, so every image has
 * exactly {@link #count()} masked patches (the masked-image loss then weighs every image alike). Patches are ordered
 * row-major, n = h·W + w, as {@link Patches#patchify} and the patch embedding order them.
 *
 * @param height patch rows H
 * @param width patch columns W
 * @param ratio the fraction of patches masked (BEiT and BEiT-3: 0.4)
 * @param minBlock the smallest block BEiT draws, in patches (16 of BEiT's 14×14 grid; a smaller grid wants a smaller one)
 */
public record BlockMasking(int height, int width, double ratio, int minBlock) {
  /** Draws of a block's shape and place before its area is lowered. */
  static final int ATTEMPTS = 10;
  private static final double MIN_ASPECT = 0.3;

  public BlockMasking {
    if (height <= 0 || width <= 0) throw new IllegalArgumentException("block masking needs a positive grid, got " + height + "x" + width);
    if (!(ratio > 0 && ratio < 1)) throw new IllegalArgumentException("mask ratio must be in (0, 1), got " + ratio);
    if (minBlock < 1) throw new IllegalArgumentException("the smallest block must be at least 1 patch, got " + minBlock);
  }

  /** A square grid of {@code grid}² patches. */
  public static BlockMasking square(int grid, double ratio, int minBlock) {
    return new BlockMasking(grid, grid, ratio, minBlock);
  }

  /**
   * BEiT's masking on a square grid of {@code grid}² patches, its smallest block (16 of BEiT's 196 patches) kept as the same
   * share of the grid.
   */
  public static BlockMasking scaled(int grid, double ratio) {
    return square(grid, ratio, Math.max(1, Math.round(16f * grid * grid / 196)));
  }

  /** Masked patches per image: round(ratio · H·W). */
  public int count() {
    return (int) Math.round(ratio * height * width);
  }

  /** One image's mask, true = masked, row-major [H·W], with exactly {@link #count()} patches masked. */
  public boolean[] draw(SplittableRandom rng) {
    boolean[] mask = new boolean[height * width];
    int target = count();
    int masked = 0;
    int floor = minBlock;
    while (masked < target) {
      int remaining = target - masked;
      int added = 0;
      for (int attempt = 0; attempt < ATTEMPTS && added == 0; attempt++) added = block(mask, rng, Math.min(floor, remaining), remaining);
      if (added == 0) floor = Math.max(1, floor / 2);                        // nothing fits at this size: smaller blocks
      masked += added;
    }
    return mask;
  }

  /**
   * Masks one rectangle of area in [lo, hi] (as BEiT: the newly masked patches must number between 1 and hi, and a
   * rectangle mostly over masked patches adds nothing); returns how many patches it newly masked.
   */
  private int block(boolean[] mask, SplittableRandom rng, int lo, int hi) {
    double area = lo + rng.nextDouble() * (hi - lo);
    double logAspect = Math.log(MIN_ASPECT) + rng.nextDouble() * (Math.log(1 / MIN_ASPECT) - Math.log(MIN_ASPECT));
    double aspect = Math.exp(logAspect);
    int h = (int) Math.round(Math.sqrt(area * aspect));
    int w = (int) Math.round(Math.sqrt(area / aspect));
    h = Math.max(1, h);
    w = Math.max(1, w);
    if (h > height || w > width) return 0;
    int top = rng.nextInt(height - h + 1);
    int left = rng.nextInt(width - w + 1);
    int fresh = 0;
    for (int i = top; i < top + h; i++) for (int j = left; j < left + w; j++) if (!mask[i * width + j]) fresh++;
    if (fresh == 0 || fresh > hi) return 0;
    for (int i = top; i < top + h; i++) for (int j = left; j < left + w; j++) mask[i * width + j] = true;
    return fresh;
  }
}
