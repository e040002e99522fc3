package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.Split;
import dev.vlt.data.image.PreprocessConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ShapesWorld batches: shapes, normalisation, epochs, and the same batch again after seeking to its position. */
@ExtendWith(OneThread.class)
class ShapesSourceTest {
  @Test
  void batchesAreAFunctionOfTheirPosition() {
    try (NDManager m = NDManager.newBaseManager()) {
      ShapesSource a = Tiny.source(4, 8);
      TrainBatch b0 = a.next(m);
      assertEquals(new Shape(4, 3, 32, 32), b0.images().getShape());
      assertEquals(new Shape(4, Tiny.CONFIG.text().contextLength()), b0.tokens().getShape());
      assertEquals(new BatchSource.Position(0, 4), a.position());
      TrainBatch b1 = a.next(m);
      assertEquals(new BatchSource.Position(1, 0), a.position(), "8 samples per epoch: the second batch ends epoch 0");
      TrainBatch b2 = a.next(m);

      ShapesSource b = Tiny.source(4, 8);
      b.seek(new BatchSource.Position(0, 4));
      assertArrayEquals(b1.images().toFloatArray(), b.next(m).images().toFloatArray());
      assertArrayEquals(b2.tokens().toLongArray(), b.next(m).tokens().toLongArray(), "epoch 1 starts at sample 8");
      assertTrue(b0.images().sub(b1.images()).abs().sum().getFloat() > 0);
      assertThrows(IllegalArgumentException.class, () -> b.seek(new BatchSource.Position(0, 3)));
    }
  }

  @Test
  void pixelsAreNormalisedWithTheModelsMeanAndStd() {
    PreprocessConfig pre = new PreprocessConfig(32, new float[] {0.5f, 0.25f, 0f}, new float[] {0.5f, 0.25f, 1f}, "bicubic", "shortest");
    ShapesSample s = new ShapesWorld(Tiny.world()).sample(Split.TRAIN, 3);
    float[] out = new float[3 * 32 * 32];
    ShapesSource.normalise(s, pre, out, 0);
    int p = 32 * 16 + 16;
    int rgb = s.pixels()[p];
    assertEquals(((rgb >> 16 & 0xFF) / 255f - 0.5f) / 0.5f, out[p], 1e-6);
    assertEquals(((rgb >> 8 & 0xFF) / 255f - 0.25f) / 0.25f, out[1024 + p], 1e-6);
    assertEquals((rgb & 0xFF) / 255f, out[2048 + p], 1e-6);
  }

  @Test
  void aWorldAtAnotherSizeIsRejected() {
    PreprocessConfig pre = PreprocessConfig.openai(64);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ShapesSource(new ShapesWorld(Tiny.world()), Split.TRAIN, 4, 8, Tiny.tokenizer(), pre, 0));
    assertTrue(e.getMessage().contains("32 px") && e.getMessage().contains("64 px"), e.getMessage());
  }

  @Test
  void zeroShotReportsAccuracyAndChance() {
    try (NDManager m = NDManager.newBaseManager()) {
      ShapesZeroShot z = new ShapesZeroShot(Tiny.clip(m, 0), Tiny.tokenizer(), Tiny.PREPROCESS, Tiny.world(), 24);
      Map<String, Double> r = z.evaluate();
      assertEquals(java.util.List.of("val_top1", "test_top1", "test_top1_heldout", "chance", "chance_heldout"), java.util.List.copyOf(r.keySet()));
      assertEquals(1.0 / 42, r.get("chance"), 1e-12);
      assertEquals(1.0 / 8, r.get("chance_heldout"), 1e-12);
      for (double v : r.values()) assertTrue(v >= 0 && v <= 1);
      assertEquals(r, z.evaluate(), "images are rendered once and evaluation is deterministic");
    }
  }
}
