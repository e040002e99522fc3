package dev.vlt.objectives;

import java.util.Arrays;

/**
 * NLIP's noise estimate (after DivideMix): a two-component Gaussian mixture fitted by EM on the per-pair losses of a
 * fixed pass, min-max scaled to [0, 1]. Through the memorization effect clean pairs are fitted first and sit in the
 * low-loss component; a pair's noise probability is its posterior under the high-loss component.
 */
public final class NoiseMixture {
  /** A variance floor (as sklearn's reg_covar in DivideMix) so a component collapsing onto one value stays finite. */
  static final double MIN_VARIANCE = 5e-4;
  static final int ITERATIONS = 50;

  /** The fitted mixture: weights, means and variances of the clean (low-loss) and noisy (high-loss) components. */
  public record Fit(double cleanWeight, double cleanMean, double cleanVariance, double noisyWeight, double noisyMean,
      double noisyVariance, double[] noiseProbability) {}

  private NoiseMixture() {}

  /** Fits the mixture to {@code losses} (any scale; at least 2 values) and returns every pair's noise probability. */
  public static Fit fit(double[] losses) {
    int n = losses.length;
    if (n < 2) throw new IllegalArgumentException("a mixture needs at least 2 losses, got " + n);
    double lo = Arrays.stream(losses).min().orElseThrow();
    double hi = Arrays.stream(losses).max().orElseThrow();
    double[] p = new double[n];
    if (!(hi - lo > 1e-12)) return new Fit(1, 0, 0, 0, 0, 0, p);  // every pair alike: nothing tells noise apart
    double[] x = new double[n];
    for (int i = 0; i < n; i++) x[i] = (losses[i] - lo) / (hi - lo);
    double[] sorted = x.clone();
    Arrays.sort(sorted);
    double[] w = {0.5, 0.5};
    double[] mu = {sorted[n / 4], sorted[(3 * n) / 4]};
    double mean = Arrays.stream(x).average().orElse(0);
    double var = Math.max(MIN_VARIANCE, Arrays.stream(x).map(v -> (v - mean) * (v - mean)).average().orElse(0));
    double[] s2 = {var, var};
    if (mu[1] <= mu[0]) mu[1] = mu[0] + 1e-3;
    for (int it = 0; it < ITERATIONS; it++) {
      // E: responsibility of the high-loss component
      for (int i = 0; i < n; i++) {
        double a = w[0] * gauss(x[i], mu[0], s2[0]);
        double b = w[1] * gauss(x[i], mu[1], s2[1]);
        p[i] = a + b > 0 ? b / (a + b) : (x[i] > (mu[0] + mu[1]) / 2 ? 1 : 0);
      }
      // M
      double r1 = 0;
      double m1 = 0;
      double m0 = 0;
      for (int i = 0; i < n; i++) {
        r1 += p[i];
        m1 += p[i] * x[i];
        m0 += (1 - p[i]) * x[i];
      }
      double r0 = n - r1;
      if (r0 < 1e-9 || r1 < 1e-9) break;
      mu[0] = m0 / r0;
      mu[1] = m1 / r1;
      double v0 = 0;
      double v1 = 0;
      for (int i = 0; i < n; i++) {
        v0 += (1 - p[i]) * (x[i] - mu[0]) * (x[i] - mu[0]);
        v1 += p[i] * (x[i] - mu[1]) * (x[i] - mu[1]);
      }
      s2[0] = v0 / r0 + MIN_VARIANCE;
      s2[1] = v1 / r1 + MIN_VARIANCE;
      w[0] = r0 / n;
      w[1] = r1 / n;
    }
    int noisy = mu[1] >= mu[0] ? 1 : 0;  // the components may swap places during EM: noise is the higher mean
    if (noisy == 0) for (int i = 0; i < n; i++) p[i] = 1 - p[i];
    int clean = 1 - noisy;
    return new Fit(w[clean], mu[clean], s2[clean], w[noisy], mu[noisy], s2[noisy], p);
  }

  private static double gauss(double x, double mu, double var) {
    double d = x - mu;
    return Math.exp(-d * d / (2 * var)) / Math.sqrt(2 * Math.PI * var);
  }
}
