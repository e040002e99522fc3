package dev.vlt.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * The CLIP paper's linear probe: multinomial logistic regression on frozen, standardised features, with the L2 strength
 * chosen on a validation split. C follows scikit-learn's convention (loss = C·ΣCE + ½‖W‖², so larger C = weaker
 * penalty; internally λ = 1/(C·n)). The sweep is coarse over decades 1e-6…1e6 (stopping early once three decades in a
 * row fail to improve), then refined around the best by halving steps of 0.5, 0.25 and 0.125 decades. The best C has
 * the highest validation accuracy, then the lowest validation loss, then the smaller C. The final model is refit on
 * train + validation with that C and scored on test.
 */
public final class LinearProbe {
  /**
   * {@code valFraction} of each class (at least one example when the class has two or more) is held out for the sweep,
   * chosen by a {@code seed}ed shuffle; {@code maxIterations} and {@code gradTolerance} bound each L-BFGS fit.
   */
  public record Config(double valFraction, long seed, int maxIterations, double gradTolerance) {
    public static final Config DEFAULT = new Config(0.2, 0, 300, 1e-4);

    public Config {
      Checks.check(valFraction > 0 && valFraction < 1, "valFraction must be in (0, 1), got %s", valFraction);
      Checks.check(maxIterations > 0, "maxIterations must be positive, got %s", maxIterations);
      Checks.check(gradTolerance > 0, "gradTolerance must be positive, got %s", gradTolerance);
    }
  }

  private static final int COARSE_MIN = -6, COARSE_MAX = 6;
  private static final double[] REFINE_STEPS = {0.5, 0.25, 0.125};
  /**
   * The coarse sweep stops after this many decades in a row fail to beat the best: validation accuracy over C rises to a
   * peak and then falls as the penalty vanishes, and the weakly penalised fits past the peak are the slowest to converge.
   */
  private static final int PATIENCE = 3;

  private LinearProbe() {}

  /** Holds a validation split out of {@code train} (see {@link Config}), then as {@link #evaluate(Labeled, Labeled, Labeled, List, Config)}. */
  public static ProbeMetrics evaluate(Labeled train, Labeled test, List<String> classNames, Config config) {
    Labeled[] split = holdOut(train, config.valFraction(), config.seed());
    return evaluate(split[0], split[1], test, classNames, config);
  }

  /** Sweeps C on {@code train}/{@code val}, refits on both with the best C and scores {@code test}; C = classNames.size(). */
  public static ProbeMetrics evaluate(Labeled train, Labeled val, Labeled test, List<String> classNames, Config config) {
    int classes = classNames.size();
    int d = train.dimension();
    for (Labeled s : List.of(train, val, test)) {
      Checks.check(s.dimension() == d, "feature dimension differs between splits: %s vs %s", s.dimension(), d);
      Checks.check(s.classes() <= classes, "a label %s is outside the %s class names", s.classes() - 1, classes);
    }
    Standardizer std = Standardizer.fit(train.features());
    Sweep sweep = new Sweep(std.apply(train.features()), train.labels(), std.apply(val.features()), val.labels(),
        classes, config);
    for (int e = COARSE_MIN, worse = 0; e <= COARSE_MAX && worse < PATIENCE; e++) {
      sweep.at(e, null);
      worse = sweep.best() == e ? 0 : worse + 1;
    }
    double best = sweep.best();
    for (double step : REFINE_STEPS) {
      double[] warm = sweep.theta(best);
      sweep.at(best - step, warm);
      sweep.at(best + step, warm);
      best = sweep.best();
    }
    double c = Math.pow(10, best);

    Labeled all = train.concat(val);
    Standardizer allStd = Standardizer.fit(all.features());
    double[][] xAll = allStd.apply(all.features());
    double lambda = 1 / (c * all.size());
    LogisticRegression model = LogisticRegression.fit(xAll, all.labels(), classes, lambda, null,
        config.maxIterations(), config.gradTolerance());
    int[][] testConfusion = Confusion.matrix(test.labels(), model.predict(allStd.apply(test.features())), classes);
    return new ProbeMetrics(train.size(), val.size(), test.size(), classes, d, c, lambda,
        Confusion.accuracy(Confusion.matrix(all.labels(), model.predict(xAll), classes)),
        sweep.points.get(best).valAccuracy(), Confusion.accuracy(testConfusion),
        List.copyOf(sweep.points.values()), Confusion.perClass(testConfusion, classNames), testConfusion);
  }

  /** [train, val]: a stratified, seeded hold-out of {@code fraction} of each class. */
  static Labeled[] holdOut(Labeled data, double fraction, long seed) {
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < data.classes(); c++) byClass.add(new ArrayList<>());
    for (int i = 0; i < data.size(); i++) byClass.get(data.labels()[i]).add(i);
    Random random = new Random(seed);
    List<Integer> trainRows = new ArrayList<>(), valRows = new ArrayList<>();
    for (List<Integer> rows : byClass) {
      Collections.shuffle(rows, random);
      int held = rows.size() < 2 ? 0 : Math.max(1, (int) Math.round(fraction * rows.size()));
      valRows.addAll(rows.subList(0, held));
      trainRows.addAll(rows.subList(held, rows.size()));
    }
    Checks.check(!valRows.isEmpty() && !trainRows.isEmpty(),
        "cannot hold out a validation split from %s training examples", data.size());
    Collections.sort(trainRows);
    Collections.sort(valRows);
    return new Labeled[] {data.select(toArray(trainRows)), data.select(toArray(valRows))};
  }

  private static int[] toArray(List<Integer> rows) {
    return rows.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Fits keyed by log10(C), so refinement never refits a point it already has. */
  private static final class Sweep {
    final TreeMap<Double, SweepPoint> points = new TreeMap<>();
    final TreeMap<Double, double[]> thetas = new TreeMap<>();
    final double[][] xTrain, xVal;
    final int[] yTrain, yVal;
    final int classes;
    final Config config;

    Sweep(double[][] xTrain, int[] yTrain, double[][] xVal, int[] yVal, int classes, Config config) {
      this.xTrain = xTrain;
      this.yTrain = yTrain;
      this.xVal = xVal;
      this.yVal = yVal;
      this.classes = classes;
      this.config = config;
    }

    /** Fits at C = 10^exponent; coarse fits (warm == null) warm-start from the next-smaller C, as along a path. */
    void at(double exponent, double[] warm) {
      if (points.containsKey(exponent)) return;
      if (warm == null && !thetas.isEmpty()) warm = thetas.lastEntry().getValue();
      double c = Math.pow(10, exponent);
      LogisticRegression m = LogisticRegression.fit(xTrain, yTrain, classes, 1 / (c * xTrain.length), warm,
          config.maxIterations(), config.gradTolerance());
      double acc = Confusion.accuracy(Confusion.matrix(yVal, m.predict(xVal), classes));
      points.put(exponent, new SweepPoint(c, acc, m.logLoss(xVal, yVal)));
      thetas.put(exponent, m.theta);
    }

    double[] theta(double exponent) {
      return thetas.get(exponent);
    }

    /** log10 of the best C: highest validation accuracy, then lowest validation loss, then smallest C. */
    double best() {
      Double best = null;
      for (var e : points.entrySet()) {
        SweepPoint p = e.getValue();
        if (best == null) {
          best = e.getKey();
          continue;
        }
        SweepPoint b = points.get(best);
        if (p.valAccuracy() > b.valAccuracy() || (p.valAccuracy() == b.valAccuracy() && p.valLoss() < b.valLoss())) {
          best = e.getKey();
        }
      }
      return best;
    }
  }

  /** Per-feature standardisation fitted on training features; constant features get scale 1 instead of dividing by 0. */
  private record Standardizer(double[] mean, double[] scale) {
    static Standardizer fit(float[][] x) {
      int d = x[0].length;
      double[] mean = new double[d], var = new double[d];
      for (float[] row : x) for (int j = 0; j < d; j++) mean[j] += row[j];
      for (int j = 0; j < d; j++) mean[j] /= x.length;
      for (float[] row : x) for (int j = 0; j < d; j++) var[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
      double[] scale = new double[d];
      for (int j = 0; j < d; j++) {
        double sd = Math.sqrt(var[j] / x.length);
        scale[j] = sd > 1e-12 ? sd : 1;
      }
      return new Standardizer(mean, scale);
    }

    double[][] apply(float[][] x) {
      double[][] out = new double[x.length][mean.length];
      for (int i = 0; i < x.length; i++) {
        for (int j = 0; j < mean.length; j++) out[i][j] = (x[i][j] - mean[j]) / scale[j];
      }
      return out;
    }
  }
}
