package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** open_clip's cosine_lr: (step+1)/warmup · base during warmup, then 0.5·(1+cos(π·e/es))·base. */
class CosineScheduleTest {
  @Test
  void warmupThenHalfCosineToZero() {
    CosineSchedule s = new CosineSchedule(1e-3, 10, 110);
    assertEquals(1e-4, s.lr(0), 1e-15);        // first step: base/warmup, not 0
    assertEquals(5e-4, s.lr(4), 1e-15);
    assertEquals(1e-3, s.lr(9), 1e-15);        // warmup ends at the base rate
    assertEquals(1e-3, s.lr(10), 1e-15);       // cosine starts at its top
    assertEquals(5e-4, s.lr(60), 1e-15);       // halfway down the cosine
    assertEquals(0.5 * (1 + Math.cos(Math.PI * 99 / 100)) * 1e-3, s.lr(109), 1e-18);
    for (int i = 11; i < 110; i++) assertEquals(true, s.lr(i) < s.lr(i - 1), "decreasing at " + i);
  }

  @Test
  void noWarmupStartsAtTheBaseRate() {
    CosineSchedule s = new CosineSchedule(2e-3, 0, 4);
    assertEquals(2e-3, s.lr(0), 1e-15);
    assertEquals(1e-3, s.lr(2), 1e-15);
  }

  @Test
  void rejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(-1, 0, 10));
    assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(1e-3, -1, 10));
    assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(1e-3, 0, 0));
  }
}
