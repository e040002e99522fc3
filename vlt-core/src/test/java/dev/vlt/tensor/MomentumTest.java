package dev.vlt.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import dev.vlt.nn.Linear;
import org.junit.jupiter.api.Test;

class MomentumTest {
  @Test
  void emaMovesTheCopyTowardTheOnlineWeightsAsTorchRoundsIt() {
    try (NDManager m = NDManager.newBaseManager()) {
      Linear online = new Linear(3, 2);
      Linear copy = new Linear(3, 2);
      online.initialize(m, 1);
      copy.initialize(m, 2);
      copy.freeze(true);
      float[] p = online.weight().value().toFloatArray();
      float[] before = copy.weight().value().toFloatArray();
      Momentum.update(online, copy, 0.995);
      float[] after = copy.weight().value().toFloatArray();
      for (int i = 0; i < p.length; i++) {
        // float32 throughout: p_m·0.995f and p·0.005f each rounded, then their sum
        float expected = before[i] * 0.995f + p[i] * (float) (1 - 0.995);
        assertEquals(expected, after[i], 0f);
      }
      assertArrayEquals(p, online.weight().value().toFloatArray(), "the online module is not touched");
      Momentum.copy(online, copy);
      assertArrayEquals(p, copy.weight().value().toFloatArray());
      assertEquals(true, copy.weight().isFrozen());
      Momentum.update(online, copy, 0.5);
      assertArrayEquals(p, copy.weight().value().toFloatArray(), "an EMA of equal weights stays put");
    }
  }

  @Test
  void theCopyMustHaveTheSameTree() {
    try (NDManager m = NDManager.newBaseManager()) {
      Linear a = new Linear(3, 2);
      Linear b = new Linear(3, 2, false);
      Linear c = new Linear(4, 2);
      a.initialize(m, 1);
      b.initialize(m, 1);
      c.initialize(m, 1);
      assertThrows(IllegalArgumentException.class, () -> Momentum.update(a, b, 0.9));
      assertThrows(IllegalArgumentException.class, () -> Momentum.update(a, c, 0.9));
      assertThrows(IllegalArgumentException.class, () -> Momentum.update(a, a, 1.5));
    }
  }
}
