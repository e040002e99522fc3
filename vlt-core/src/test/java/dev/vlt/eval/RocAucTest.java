package dev.vlt.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RocAucTest {
  @Test
  void ranksAgreeWithCountingEveryPositiveNegativePair() {
    Random r = new Random(5);
    double[] s = new double[60];
    boolean[] y = new boolean[60];
    for (int i = 0; i < s.length; i++) {
      y[i] = r.nextBoolean();
      s[i] = Math.round((y[i] ? 0.6 : 0.4) * 10 + r.nextGaussian() * 2) / 10.0;  // coarse: many ties
    }
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < s.length; j++) {
        if (!y[i] || y[j]) continue;
        wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
        pairs++;
      }
    }
    assertEquals(wins / pairs, RocAuc.of(s, y), 1e-12);
    assertEquals(1.0, RocAuc.of(new double[] {0.1, 0.9}, new boolean[] {false, true}));
    assertEquals(0.5, RocAuc.of(new double[] {1, 1}, new boolean[] {false, true}));
    assertEquals(Double.NaN, RocAuc.of(new double[] {1, 2}, new boolean[] {true, true}));
  }
}
