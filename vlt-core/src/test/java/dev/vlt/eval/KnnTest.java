package dev.vlt.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KnnTest {
  @Test
  void clustersAreClassifiedByTheirNeighbours() {
    Random r = new Random(12);
    Labeled[] data = Synthetic.clusters(r, 5, 64, 2000, 2000, 0.5);
    Labeled train = data[0], test = data[1];
    long start = System.nanoTime();
    KnnMetrics m = Knn.evaluate(train, test, Confusion.indexNames(5), 20, Knn.DEFAULT_TEMPERATURE);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("kNN 2000 x 2000 x 64, k=20: %.2f s, accuracy %.4f%n", seconds, m.accuracy());
    assertEquals(1.0, m.accuracy());
    assertEquals(400, m.perClass().get(3).count());
    assertTrue(seconds < 10, "too slow: " + seconds + " s");
  }

  @Test
  void nearerNeighboursOutweighMoreNumerousOnes() {
    // one class-0 point right at the query, two class-1 points further away
    Labeled train = new Labeled(new float[][] {{1, 0}, {0.6f, 0.8f}, {0.6f, -0.8f}}, new int[] {0, 1, 1});
    float[][] query = {{1, 0}};
    // sharp weights (T = 0.07): exp(1/T) beats 2·exp(0.6/T)
    assertArrayEquals(new int[] {0}, new Knn(train, 2, 3, 0.07).predict(query));
    // flat weights (T = 100): close to a plain majority vote
    assertArrayEquals(new int[] {1}, new Knn(train, 2, 3, 100).predict(query));
  }

  @Test
  void tiesGoToTheClassOfTheNearestNeighbour() {
    // two training points at exactly the same similarity: the lower index is nearer by the Ranking rule
    Labeled train = new Labeled(new float[][] {{0, 1}, {1, 0}, {0, 1}}, new int[] {1, 0, 2});
    float[][] query = {{1, 1}};
    // k = 2: neighbours 0 (class 1) and 1 (class 0) tie in votes; neighbour 0 came first
    assertArrayEquals(new int[] {1}, new Knn(train, 3, 2, 0.07).predict(query));
    // k = 3: classes 1, 0, 2 each get one equal vote; still class 1
    assertArrayEquals(new int[] {1}, new Knn(train, 3, 3, 0.07).predict(query));
  }

  @Test
  void kLargerThanTheTrainingSetUsesEveryExample() {
    Labeled train = new Labeled(new float[][] {{1, 0}, {0, 1}}, new int[] {0, 1});
    assertArrayEquals(new int[] {1, 0}, new Knn(train, 2, 50, 0.07).predict(new float[][] {{0.1f, 1}, {1, 0.2f}}));
  }

  @Test
  void badInputGetsOneClearLine() {
    Labeled train = new Labeled(new float[][] {{1, 0}}, new int[] {0});
    var k = assertThrows(IllegalArgumentException.class, () -> new Knn(train, 1, 0, 0.07));
    assertEquals("k must be positive, got 0", k.getMessage());
    var dim = assertThrows(IllegalArgumentException.class, () -> new Knn(train, 1, 1, 0.07).predict(new float[][] {{1}}));
    assertEquals("queries have dimension 1 but the training features have 2", dim.getMessage());
    var labels = assertThrows(IllegalArgumentException.class, () -> new Labeled(new float[][] {{1}}, new int[] {-1}));
    assertEquals("labels[0] = -1 is negative", labels.getMessage());
    var names = assertThrows(IllegalArgumentException.class,
        () -> Knn.evaluate(train, new Labeled(new float[][] {{1, 0}}, new int[] {3}), List.of("a"), 1, 0.07));
    assertEquals("a test label 3 is outside the 1 class names", names.getMessage());
  }
}
