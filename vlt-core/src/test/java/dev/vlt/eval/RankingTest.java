package dev.vlt.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RankingTest {
  @Test
  void tiesGoToTheLowerIndex() {
    double[] s = {0.5, 0.9, 0.5, 0.9, 0.1};
    assertArrayEquals(new int[] {1, 3, 0, 2, 4}, Ranking.topK(s, 10));
    assertArrayEquals(new int[] {1, 3, 0}, Ranking.topK(s, 3));
    assertEquals(1, Ranking.argMax(s));
    assertEquals(1, Ranking.rank(s, 1));
    assertEquals(2, Ranking.rank(s, 3));
    assertEquals(4, Ranking.rank(s, 2));
    assertEquals(5, Ranking.rank(s, 4));
  }

  @Test
  void topKAgreesWithAFullStableSort() {
    Random r = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      double[] s = new double[1 + r.nextInt(30)];
      for (int i = 0; i < s.length; i++) s[i] = r.nextInt(5);        // few distinct values: many ties
      int k = 1 + r.nextInt(s.length + 2);
      int[] sorted = IntStream.range(0, s.length).boxed()
          .sorted(Comparator.comparingDouble((Integer i) -> -s[i]).thenComparingInt(i -> i))
          .mapToInt(Integer::intValue).toArray();
      assertArrayEquals(Arrays.copyOf(sorted, Math.min(k, s.length)), Ranking.topK(s, k));
      for (int pos = 0; pos < sorted.length; pos++) assertEquals(pos + 1, Ranking.rank(s, sorted[pos]));
    }
  }

  @Test
  void rejectsNonPositiveK() {
    var e = assertThrows(IllegalArgumentException.class, () -> Ranking.topK(new double[] {1}, 0));
    assertEquals("k must be positive, got 0", e.getMessage());
  }
}
