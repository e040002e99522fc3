package dev.vlt.eval;

import java.util.Arrays;

/**
 * Multinomial logistic regression in float64: minimises {@code (1/n)·Σ CE(softmax(W·x + b), y) + (λ/2)·‖W‖²} (bias not
 * penalised) with {@link Lbfgs}. Parameters θ are W [C, D] row-major followed by b [C].
 */
final class LogisticRegression {
  final int classes;
  final int dim;
  final double[] theta;

  private LogisticRegression(int classes, int dim, double[] theta) {
    this.classes = classes;
    this.dim = dim;
    this.theta = theta;
  }

  /**
   * Fits on {@code x} [N, D], {@code y} [N]; starts from {@code warmStart} (a previous θ) when given, else from zero.
   *
   * <p>L-BFGS runs on u = θ·√h, where h is a rough diagonal curvature: λ + q for weights and q for biases, with
   * q = (1/C)(1 − 1/C) the softmax curvature at uniform predictions on standardised features. Without this Jacobi
   * scaling a strong penalty makes the weights ~λ/q times stiffer than the unpenalised biases and L-BFGS crawls.
   */
  static LogisticRegression fit(double[][] x, int[] y, int classes, double lambda, double[] warmStart, int maxIterations,
      double gradTolerance) {
    int dim = x[0].length, bias = classes * dim;
    double q = (1.0 / classes) * (1 - 1.0 / classes);
    double[] r = new double[classes * (dim + 1)];                // θ = u·r
    for (int k = 0; k < r.length; k++) r[k] = 1 / Math.sqrt(k < bias ? lambda + q : q);
    double[] u = new double[r.length];
    if (warmStart != null) for (int k = 0; k < u.length; k++) u[k] = warmStart[k] / r[k];
    double[] theta = new double[r.length];
    Lbfgs.minimize((uu, grad) -> {
      for (int k = 0; k < theta.length; k++) theta[k] = uu[k] * r[k];
      double f = objective(classes, theta, x, y, lambda, grad);
      for (int k = 0; k < grad.length; k++) grad[k] *= r[k];
      return f;
    }, u, maxIterations, gradTolerance);
    for (int k = 0; k < theta.length; k++) theta[k] = u[k] * r[k];
    return new LogisticRegression(classes, dim, theta);
  }

  /** Logits [N, C] for standardised features {@code x} [N, D]. */
  double[][] logits(double[][] x) {
    double[][] z = new double[x.length][];
    for (int i = 0; i < x.length; i++) z[i] = logits(classes, dim, theta, x[i]);
    return z;
  }

  int[] predict(double[][] x) {
    double[][] z = logits(x);
    int[] p = new int[x.length];
    for (int i = 0; i < x.length; i++) p[i] = Ranking.argMax(z[i]);
    return p;
  }

  /** Mean cross-entropy on {@code x} [N, D], {@code y} [N], without the penalty. */
  double logLoss(double[][] x, int[] y) {
    double loss = 0;
    for (int i = 0; i < x.length; i++) {
      double[] z = logits(classes, dim, theta, x[i]);
      loss += logSumExp(z) - z[y[i]];
    }
    return loss / x.length;
  }

  /** The penalised loss at θ = {@code t} for {@code classes} classes, writing its gradient into {@code grad}. */
  static double objective(int classes, double[] t, double[][] x, int[] y, double lambda, double[] grad) {
    Arrays.fill(grad, 0);
    int dim = x[0].length;
    int bias = classes * dim;
    double loss = 0;
    double[] p = new double[classes];
    for (int i = 0; i < x.length; i++) {
      double[] z = logits(classes, dim, t, x[i]);
      double lse = logSumExp(z);
      loss += lse - z[y[i]];
      for (int c = 0; c < classes; c++) p[c] = Math.exp(z[c] - lse);
      p[y[i]] -= 1;                                             // ∂CE/∂z = softmax − onehot
      for (int c = 0; c < classes; c++) {
        double pc = p[c];
        if (pc == 0) continue;
        int row = c * dim;
        for (int j = 0; j < dim; j++) grad[row + j] += pc * x[i][j];
        grad[bias + c] += pc;
      }
    }
    double n = x.length, penalty = 0;
    for (int k = 0; k < grad.length; k++) grad[k] /= n;
    for (int k = 0; k < bias; k++) {
      penalty += t[k] * t[k];
      grad[k] += lambda * t[k];
    }
    return loss / n + 0.5 * lambda * penalty;
  }

  private static double[] logits(int classes, int dim, double[] t, double[] xi) {
    double[] z = new double[classes];
    int bias = classes * dim;
    for (int c = 0; c < classes; c++) {
      double s = t[bias + c];
      int row = c * dim;
      // four partial sums: independent additions the CPU can overlap (a single chain is latency-bound)
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      int j = 0;
      for (; j + 3 < dim; j += 4) {
        s0 += t[row + j] * xi[j];
        s1 += t[row + j + 1] * xi[j + 1];
        s2 += t[row + j + 2] * xi[j + 2];
        s3 += t[row + j + 3] * xi[j + 3];
      }
      for (; j < dim; j++) s0 += t[row + j] * xi[j];
      z[c] = s + (s0 + s1) + (s2 + s3);
    }
    return z;
  }

  private static double logSumExp(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) max = Math.max(max, v);
    double s = 0;
    for (double v : z) s += Math.exp(v - max);
    return max + Math.log(s);
  }
}
