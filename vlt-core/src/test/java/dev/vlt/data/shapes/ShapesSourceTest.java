package dev.vlt.data.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.Batch;
import dev.vlt.data.Loader;
import dev.vlt.data.LoaderConfig;
import dev.vlt.data.Sample;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.tensor.Engines;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ShapesWorld through the one loader: every epoch is fresh scenes, a batch is a function of its position alone (any
 * thread count), and one-object scenes carry their class.
 */
class ShapesSourceTest {
  static final ShapesWorld WORLD = new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(32).withObjects(1, 1));

  private static Loader loader(int threads) {
    return new Loader(new ShapesSource(WORLD, Split.TRAIN, 8, 0), new EvalTransform(PreprocessConfig.openai(32)),
        LoaderConfig.train(4, 5).withThreads(threads), SkipReport.quiet());
  }

  @Test
  void batchesAreAFunctionOfTheirPosition() {
    Engines.ensureStarted();
    try (NDManager m = NDManager.newBaseManager(); Loader.Run a = loader(1).open(m)) {
      Batch b0 = a.next();
      assertEquals(new Shape(4, 3, 32, 32), b0.images().getShape());
      assertEquals(new Loader.Position(0, 4), a.position());
      Batch b1 = a.next();
      assertEquals(new Loader.Position(0, 8), a.position(), "8 samples per epoch: the second batch ends epoch 0");
      Batch b2 = a.next();
      assertEquals("shapes/train/8", b2.samples().get(0).id(), "epoch 1 starts with fresh scenes at sample 8");
      try (Loader.Run b = loader(2).open(m, new Loader.Position(0, 4))) {
        Batch again = b.next();
        assertArrayEquals(b1.images().toFloatArray(), again.images().toFloatArray());
        assertEquals(b1.captions(), again.captions(), "the caption picked per sample depends on the seed and position only");
        assertArrayEquals(b2.images().toFloatArray(), b.next().images().toFloatArray());
      }
      assertTrue(b0.images().sub(b1.images()).abs().sum().getFloat() > 0);
    }
  }

  @Test
  void oneObjectScenesAreLabelledAndSeedBlocksDiffer() {
    Sample s = new ShapesSource(WORLD, Split.TRAIN, 8, 0).get(3);
    ShapesSample raw = WORLD.sample(Split.TRAIN, 3);
    assertEquals(raw.label(), s.label());
    assertEquals(raw.captions(), s.captions());
    assertEquals(List.copyOf(ShapesWorld.classNames()), new ShapesSource(WORLD, Split.TRAIN, 8, 0).classNames());
    assertNotEquals(s.captions(), new ShapesSource(WORLD, Split.TRAIN, 8, 100_000_000L).get(3).captions());
    ShapesWorld two = new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(32).withObjects(2, 2));
    assertEquals(Sample.NO_LABEL, new ShapesSource(two, Split.TRAIN, 8, 0).get(0).label(), "several objects: no one class");
  }

  @Test
  void scenesCarryBoxesMasksReferringPhrasesAndTypedQuestions() {
    ShapesWorld three = new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(32).withObjects(2, 3));
    ShapesSource source = new ShapesSource(three, Split.TRAIN, 8, 0);
    for (long i = 0; i < 8; i++) {
      Sample s = source.get(i);
      ShapesSample raw = three.sample(Split.TRAIN, i);
      assertEquals(raw.scene().size(), s.boxes().size());
      assertEquals(raw.scene().size(), s.masks().size());
      for (int o = 0; o < s.boxes().size(); o++) {
        dev.vlt.data.Box b = s.boxes().get(o);
        assertEquals(raw.scene().get(o).combo().name(), b.label());
        boolean[] covered = raw.mask(o);
        int inside = 0;
        for (int p = 0; p < covered.length; p++) {
          assertEquals(covered[p], s.masks().get(o).pixels()[p] != 0);
          if (covered[p]) {
            assertTrue(b.x0() <= p % 32 && p % 32 < b.x1() && b.y0() <= p / 32 && p / 32 < b.y1(), "mask pixel outside its box");
            inside++;
          }
        }
        assertTrue(inside > 0);
      }
      assertEquals(raw.referring().size(), s.phrases().size());
      for (int k = 0; k < s.phrases().size(); k++) {
        assertEquals(raw.referring().get(k).text(), s.phrases().get(k).text());
        assertEquals(raw.referring().get(k).target(), s.phrases().get(k).box());
      }
      assertEquals(raw.questions().size(), s.questions().size());
      for (dev.vlt.data.Question q : s.questions()) {
        assertTrue(QuestionAnswer.TYPES.contains(q.type()), q.type());
        assertTrue(ShapesWorld.answers().contains(q.answer()), q.answer());
      }
      assertTrue(s.questions().stream().anyMatch(q -> q.type().equals(QuestionAnswer.COUNT)
          && q.text().equals("how many shapes are there?")));
    }
  }
}
