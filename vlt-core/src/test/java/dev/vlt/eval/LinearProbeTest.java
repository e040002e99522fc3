package dev.vlt.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearProbeTest {
  private static final List<String> TEN = Confusion.indexNames(10);

  @Test
  void separableClustersAreLearnedQuickly() {
    Random r = new Random(6);
    Labeled[] data = Synthetic.clusters(r, 10, 64, 2000, 1000, 0.6);
    Labeled train = data[0], test = data[1];
    long start = System.nanoTime();
    ProbeMetrics m = LinearProbe.evaluate(train, test, TEN, LinearProbe.Config.DEFAULT);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("linear probe 2000x64, 10 classes: %.2f s, C=%.3g, train %.4f val %.4f test %.4f, %d fits%n",
        seconds, m.c(), m.trainAccuracy(), m.valAccuracy(), m.testAccuracy(), m.sweep().size());
    assertTrue(m.testAccuracy() >= 0.99, "test accuracy " + m.testAccuracy());
    assertTrue(m.trainAccuracy() >= 0.99, "train accuracy " + m.trainAccuracy());
    assertEquals(1600, m.trainExamples());
    assertEquals(400, m.valExamples());
    assertTrue(m.sweep().size() >= 4 + 3 && m.sweep().size() <= 13 + 6, "sweep points " + m.sweep().size());
    assertTrue(seconds < 15, "too slow: " + seconds + " s");
  }

  @Test
  void shuffledLabelsScoreNearChance() {
    Random r = new Random(8);
    Labeled[] data = Synthetic.clusters(r, 10, 32, 1000, 1000, 0.5);
    Labeled train = data[0], test = data[1];
    int[] shuffledTrain = train.labels().clone(), shuffledTest = test.labels().clone();
    shuffle(r, shuffledTrain);
    shuffle(r, shuffledTest);
    ProbeMetrics m = LinearProbe.evaluate(new Labeled(train.features(), shuffledTrain),
        new Labeled(test.features(), shuffledTest), TEN, LinearProbe.Config.DEFAULT);
    assertEquals(0.1, m.testAccuracy(), 0.05, "test accuracy on shuffled labels");
    // with nothing to learn the sweep should not pick a weakly regularised model that memorises the noise
    assertTrue(m.c() < 1, "chosen C " + m.c());
  }

  @Test
  void isDeterministic() {
    Random r = new Random(9);
    Labeled[] data = Synthetic.clusters(r, 3, 8, 150, 150, 2.0);
    Labeled train = data[0], test = data[1];
    List<String> names = List.of("a", "b", "c");
    ProbeMetrics a = LinearProbe.evaluate(train, test, names, LinearProbe.Config.DEFAULT);
    ProbeMetrics b = LinearProbe.evaluate(train, test, names, LinearProbe.Config.DEFAULT);
    assertEquals(Metrics.toJson(a), Metrics.toJson(b));
    assertTrue(a.testAccuracy() > 0.5, "overlapping but informative clusters: " + a.testAccuracy());
  }

  @Test
  void holdOutIsStratifiedAndDisjoint() {
    int[] labels = new int[103];
    for (int i = 0; i < labels.length; i++) labels[i] = i < 100 ? i % 2 : 2;   // class 2 has three examples
    Labeled data = new Labeled(Synthetic.gaussian(new Random(10), labels.length, 4), labels);
    Labeled[] split = LinearProbe.holdOut(data, 0.2, 0);
    int[] valCounts = new int[3];
    for (int y : split[1].labels()) valCounts[y]++;
    assertEquals(10, valCounts[0]);
    assertEquals(10, valCounts[1]);
    assertEquals(1, valCounts[2]);
    assertEquals(data.size(), split[0].size() + split[1].size());
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    Random r = new Random(11);
    int classes = 3, d = 5;
    double[][] x = new double[20][d];
    for (double[] row : x) for (int j = 0; j < d; j++) row[j] = r.nextGaussian();
    int[] y = Synthetic.cycling(20, classes);
    double[] theta = new double[classes * (d + 1)];
    for (int k = 0; k < theta.length; k++) theta[k] = r.nextGaussian();
    double lambda = 0.3;
    double[] grad = new double[theta.length];
    double f = LogisticRegression.objective(classes, theta, x, y, lambda, grad);
    assertEquals(objective(x, y, theta, lambda), f, 1e-12);
    for (int k = 0; k < theta.length; k++) {
      double h = 1e-5, keep = theta[k];
      theta[k] = keep + h;
      double up = objective(x, y, theta, lambda);
      theta[k] = keep - h;
      double down = objective(x, y, theta, lambda);
      theta[k] = keep;
      assertEquals((up - down) / (2 * h), grad[k], 1e-7, "gradient component " + k);
    }
    // and L-BFGS drives that gradient to ~0
    LogisticRegression fit = LogisticRegression.fit(x, y, classes, lambda, theta, 500, 1e-9);
    LogisticRegression.objective(classes, fit.theta, x, y, lambda, grad);
    for (double g : grad) assertEquals(0, g, 1e-6);
  }

  private static double objective(double[][] x, int[] y, double[] theta, double lambda) {
    // the penalised loss written out independently of LogisticRegression.objective
    int classes = 3, d = x[0].length;
    double loss = 0;
    for (int i = 0; i < x.length; i++) {
      double[] z = new double[classes];
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        z[c] = theta[classes * d + c];
        for (int j = 0; j < d; j++) z[c] += theta[c * d + j] * x[i][j];
        max = Math.max(max, z[c]);
      }
      double s = 0;
      for (double v : z) s += Math.exp(v - max);
      loss += max + Math.log(s) - z[y[i]];
    }
    double penalty = 0;
    for (int k = 0; k < classes * d; k++) penalty += theta[k] * theta[k];
    return loss / x.length + 0.5 * lambda * penalty;
  }

  private static void shuffle(Random r, int[] a) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
