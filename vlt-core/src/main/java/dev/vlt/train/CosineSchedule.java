package dev.vlt.train;

/**
 * open_clip's {@code cosine_lr}: linear warmup to the base rate over {@code warmup} steps, then a half cosine to 0 at
 * {@code steps}. Step numbers count from 0, so the first step already has base/warmup.
 */
public record CosineSchedule(double baseLr, long warmup, long steps) {
  public CosineSchedule {
    if (!(baseLr >= 0) || Double.isInfinite(baseLr)) throw new IllegalArgumentException("--lr must be a finite number >= 0, got " + baseLr);
    if (warmup < 0) throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
    if (steps < 1) throw new IllegalArgumentException("a run needs at least 1 step, got " + steps);
  }

  /** The learning rate of step {@code step} (0-based). */
  public double lr(long step) {
    if (step < warmup) return baseLr * (step + 1) / warmup;
    double e = step - warmup;
    double es = steps - warmup;
    return 0.5 * (1 + Math.cos(Math.PI * e / es)) * baseLr;
  }
}
