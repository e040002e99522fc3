package dev.vlt.bench;

import java.util.Arrays;

/** Median wall time of repeated runs after warm-up; medians resist the noise of a shared 2-core machine. */
public final class Timing {
  private Timing() {}

  /** Seconds per call (median of {@code runs} after {@code warmup} untimed calls). */
  public static double medianSeconds(int warmup, int runs, Runnable body) {
    for (int i = 0; i < warmup; i++) body.run();
    double[] t = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      body.run();
      t[i] = (System.nanoTime() - t0) / 1e9;
    }
    Arrays.sort(t);
    return t[runs / 2];
  }
}
