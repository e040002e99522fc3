package dev.vlt.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ZeroShotTest {
  private static final List<String> FOUR = List.of("circle", "square", "star", "triangle");

  @Test
  void orthogonalClassesAreClassifiedPerfectly() {
    Random r = new Random(4);
    float[][] classes = Synthetic.oneHot(4, 8);
    int[] labels = Synthetic.cycling(40, 4);
    float[][] images = Synthetic.around(r, classes, labels, 0.05);
    ZeroShotResult z = ZeroShot.evaluate(images, classes, labels, FOUR, ZeroShot.CLIP_LOGIT_SCALE);
    ZeroShotMetrics m = z.metrics();
    assertEquals(1.0, m.top1());
    assertEquals(1.0, m.top5());
    for (int c = 0; c < 4; c++) {
      assertEquals(10, m.confusion()[c][c]);
      assertEquals(new ClassAccuracy(FOUR.get(c), 10, 10, 1.0), m.perClass().get(c));
    }
    for (int i = 0; i < labels.length; i++) {
      assertEquals(labels[i], z.predictions()[i]);
      assertEquals(1.0, Arrays.stream(z.probabilities()[i]).sum(), 1e-12);
    }
  }

  @Test
  void topFiveWithFewerThanFiveClassesCountsEveryClass() {
    float[][] classes = Synthetic.oneHot(4, 4);
    int[] labels = {0, 1, 2, 3};
    float[][] images = {{0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}, {1, 0, 0, 0}};   // each image looks like the next class
    ZeroShotMetrics m = ZeroShot.evaluate(images, classes, labels, FOUR, 100).metrics();
    assertEquals(0.0, m.top1());
    assertEquals(4, m.top5K());
    assertEquals(1.0, m.top5());
    for (int c = 0; c < 4; c++) assertEquals(1, m.confusion()[c][(c + 1) % 4]);
  }

  @Test
  void randomEmbeddingsScoreNearChance() {
    Random r = new Random(13);
    int n = 4000, classes = 10;
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = r.nextInt(classes);
    ZeroShotMetrics m = ZeroShot.evaluate(Synthetic.gaussian(r, n, 32), Synthetic.gaussian(r, classes, 32), labels,
        Confusion.indexNames(classes), 100).metrics();
    assertEquals(0.1, m.top1(), 0.02);
    assertEquals(0.5, m.top5(), 0.04);
  }

  @Test
  void topKCountsTheLabelAmongTheFirstK() {
    double[][] scores = {
        {0.9, 0.8, 0.7, 0.1, 0.0, 0.0},    // label 2 is third
        {0.1, 0.2, 0.3, 0.4, 0.5, 0.6},    // label 0 is last
        {0.5, 0.5, 0.5, 0.5, 0.5, 0.5}};   // all tied: label 4 is fifth by index
    int[] labels = {2, 0, 4};
    assertEquals(0.0, ZeroShot.topKAccuracy(scores, labels, 1));
    assertEquals(1.0 / 3, ZeroShot.topKAccuracy(scores, labels, 3), 1e-12);
    assertEquals(2.0 / 3, ZeroShot.topKAccuracy(scores, labels, 5), 1e-12);
    assertEquals(1.0, ZeroShot.topKAccuracy(scores, labels, 6));
  }

  @Test
  void confusionMatrixSumsToTheExamplesAndRowsToClassCounts() {
    Random r = new Random(5);
    int classes = 6, n = 500;
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = r.nextInt(classes - 1);     // class 5 never occurs
    float[][] images = Synthetic.gaussian(r, n, 10);
    float[][] weights = Synthetic.gaussian(r, classes, 10);
    List<String> names = Confusion.indexNames(classes);
    ZeroShotMetrics m = ZeroShot.evaluate(images, weights, labels, names, 50).metrics();
    int total = 0, trace = 0;
    for (int c = 0; c < classes; c++) {
      int row = Arrays.stream(m.confusion()[c]).sum();
      int cls = c;
      assertEquals(Arrays.stream(labels).filter(y -> y == cls).count(), row);
      assertEquals(row, m.perClass().get(c).count());
      total += row;
      trace += m.confusion()[c][c];
    }
    assertEquals(n, total);
    assertEquals(m.top1(), (double) trace / n, 1e-12);
    assertNull(m.perClass().get(5).accuracy());
    assertEquals(0, m.perClass().get(5).count());
  }

  @Test
  void ensembleAveragesNormalisedTemplatesThenRenormalises() {
    List<float[][]> templates = List.of(
        new float[][] {{3, 4}, {0, 2}},          // normalised: (0.6, 0.8) and (0, 1) → mean (0.3, 0.9)
        new float[][] {{-5, 0}});
    float[][] w = ZeroShot.classifier(templates);
    double norm = Math.sqrt(0.3 * 0.3 + 0.9 * 0.9);
    assertArrayEquals(new float[] {(float) (0.3 / norm), (float) (0.9 / norm)}, w[0], 1e-6f);
    assertArrayEquals(new float[] {-1, 0}, w[1], 1e-6f);
    // averaging the raw embeddings instead would give (1.5, 3)/|…| = (0.447, 0.894): a different direction
    assertEquals(0.3162, w[0][0], 1e-4);
  }

  @Test
  void probabilitiesAreTheSoftmaxOfScaledCosines() {
    float[][] classes = {{1, 0}, {0, 1}};
    float[][] image = {{2, 1}};                 // cos 2/√5 and 1/√5
    ZeroShotResult z = ZeroShot.evaluate(image, classes, new int[] {0}, List.of("a", "b"), 10);
    double gap = 10 * (2 - 1) / Math.sqrt(5);
    assertEquals(10 * 2 / Math.sqrt(5), z.logits()[0][0], 1e-6);
    assertEquals(1 / (1 + Math.exp(-gap)), z.probabilities()[0][0], 1e-6);
  }

  @Test
  void badInputGetsOneClearLine() {
    float[][] classes = Synthetic.oneHot(2, 2);
    var names = assertThrows(IllegalArgumentException.class,
        () -> ZeroShot.evaluate(classes, classes, new int[] {0, 1}, List.of("a"), 100));
    assertEquals("1 class names for 2 class embeddings", names.getMessage());
    var label = assertThrows(IllegalArgumentException.class,
        () -> ZeroShot.evaluate(classes, classes, new int[] {0, 7}, List.of("a", "b"), 100));
    assertEquals("labels[1] = 7 is outside [0, 2)", label.getMessage());
    List<float[][]> ragged = new ArrayList<>(List.of(new float[][] {{1, 0}}, new float[][] {{1, 0, 0}}));
    var dim = assertThrows(IllegalArgumentException.class, () -> ZeroShot.classifier(ragged));
    assertEquals("template embeddings of class 1 have dimension 3, class 0 has 2", dim.getMessage());
  }
}
