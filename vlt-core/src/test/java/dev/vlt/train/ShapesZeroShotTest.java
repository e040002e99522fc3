package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The trainer's ShapesWorld zero-shot evaluation: its keys, chance levels, and deterministic figures. */
@ExtendWith(OneThread.class)
class ShapesZeroShotTest {
  @Test
  void zeroShotReportsAccuracyAndChance() {
    try (NDManager m = NDManager.newBaseManager()) {
      ShapesZeroShot z = new ShapesZeroShot(Tiny.clip(m, 0), Tiny.tokenizer(), Tiny.PREPROCESS, Tiny.world(), 24);
      Map<String, Double> r = z.evaluate();
      assertEquals(List.of("val_top1", "test_top1", "test_top1_heldout", "chance", "chance_heldout"), List.copyOf(r.keySet()));
      assertEquals(1.0 / 42, r.get("chance"), 1e-12);
      assertEquals(1.0 / 8, r.get("chance_heldout"), 1e-12);
      for (double v : r.values()) assertTrue(v >= 0 && v <= 1);
      assertEquals(r, z.evaluate(), "images are rendered once and evaluation is deterministic");
    }
  }
}
