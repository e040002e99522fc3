package dev.vlt.train;

/** SplitMix64's finaliser: nearby inputs (seed, step, sample index) give unrelated 64-bit outputs. */
final class SplitMix {
  private SplitMix() {}

  static long mix(long seed, long value) {
    long z = seed * 0x9E3779B97F4A7C15L + value;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
