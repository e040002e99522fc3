package dev.vlt.eval;

/**
 * Limited-memory BFGS for smooth convex objectives in float64, with a backtracking (Armijo) line search. Deterministic:
 * no randomness, fixed evaluation order. Curvature pairs with non-positive {@code s·y} are skipped, which keeps the
 * inverse-Hessian estimate positive definite without a full Wolfe search.
 */
final class Lbfgs {
  /** f(θ), writing ∂f/∂θ into {@code grad}. */
  interface Objective {
    double evaluate(double[] theta, double[] grad);
  }

  private static final int MEMORY = 10;
  private static final double ARMIJO = 1e-4;

  private Lbfgs() {}

  /** Minimises {@code f} from {@code theta} (updated in place); returns the iterations used. */
  static int minimize(Objective f, double[] theta, int maxIterations, double gradTolerance) {
    int n = theta.length;
    double[][] s = new double[MEMORY][n], y = new double[MEMORY][n];
    double[] rho = new double[MEMORY], alpha = new double[MEMORY];
    double[] g = new double[n], gNew = new double[n], dir = new double[n], next = new double[n];
    double[] sNew = new double[n], yNew = new double[n];
    double fx = f.evaluate(theta, g);
    int stored = 0, head = 0;
    for (int iter = 0; iter < maxIterations; iter++) {
      if (maxAbs(g) < gradTolerance) return iter;
      // two-loop recursion: dir = -H·g
      System.arraycopy(g, 0, dir, 0, n);
      for (int m = 0; m < stored; m++) {
        int i = Math.floorMod(head - 1 - m, MEMORY);
        alpha[i] = rho[i] * dot(s[i], dir);
        axpy(-alpha[i], y[i], dir);
      }
      double scale = 1 / Math.max(1, Math.sqrt(dot(g, g)));   // first step: unit length
      if (stored > 0) {
        int last = Math.floorMod(head - 1, MEMORY);
        scale = dot(s[last], y[last]) / dot(y[last], y[last]);
      }
      for (int j = 0; j < n; j++) dir[j] *= scale;
      for (int m = stored - 1; m >= 0; m--) {
        int i = Math.floorMod(head - 1 - m, MEMORY);
        double beta = rho[i] * dot(y[i], dir);
        axpy(alpha[i] - beta, s[i], dir);
      }
      for (int j = 0; j < n; j++) dir[j] = -dir[j];
      double slope = dot(g, dir);
      if (slope >= 0) {                                         // not a descent direction: restart from steepest descent
        stored = 0;
        for (int j = 0; j < n; j++) dir[j] = -g[j];
        slope = dot(g, dir);
      }
      double step = 1, fNew;
      while (true) {
        for (int j = 0; j < n; j++) next[j] = theta[j] + step * dir[j];
        fNew = f.evaluate(next, gNew);
        if (fNew <= fx + ARMIJO * step * slope) break;
        step *= 0.5;
        if (step < 1e-20) return iter;                          // no progress possible at float64 precision
      }
      double sy = 0, yy = 0;
      for (int j = 0; j < n; j++) {
        sNew[j] = next[j] - theta[j];
        yNew[j] = gNew[j] - g[j];
        sy += sNew[j] * yNew[j];
        yy += yNew[j] * yNew[j];
      }
      if (sy > 1e-12 * yy) {                                    // accept the pair into the oldest slot (swap buffers)
        double[] t = s[head]; s[head] = sNew; sNew = t;
        t = y[head]; y[head] = yNew; yNew = t;
        rho[head] = 1 / sy;
        head = (head + 1) % MEMORY;
        stored = Math.min(stored + 1, MEMORY);
      }
      boolean stalled = fx - fNew <= 1e-13 * Math.max(1, Math.abs(fx));
      System.arraycopy(next, 0, theta, 0, n);
      System.arraycopy(gNew, 0, g, 0, n);
      fx = fNew;
      if (stalled) return iter + 1;
    }
    return maxIterations;
  }

  private static double dot(double[] a, double[] b) {
    double r = 0;
    for (int j = 0; j < a.length; j++) r += a[j] * b[j];
    return r;
  }

  private static double maxAbs(double[] a) {
    double r = 0;
    for (double v : a) r = Math.max(r, Math.abs(v));
    return r;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int j = 0; j < x.length; j++) y[j] += a * x[j];
  }
}
