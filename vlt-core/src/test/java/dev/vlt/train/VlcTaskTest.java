package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.vlt.data.Batch;
import dev.vlt.data.Loader;
import dev.vlt.data.LoaderConfig;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.shapes.ShapesSource;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.models.bert.BertEmbeddingsConfig;
import dev.vlt.models.mae.MaeConfig;
import dev.vlt.models.vlc.Vlc;
import dev.vlt.models.vlc.VlcConfig;
import dev.vlt.nn.GradCheck;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.Parameter;
import dev.vlt.tokenize.Tokenizer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** VLC's task: the patch drop and the four terms, every parameter learning from them, and each term falling on one batch. */
@ExtendWith(OneThread.class)
class VlcTaskTest {
  /** 32 px in 8-px patches, width 32, 2 layers, ShapesWorld's answers. */
  static final VlcConfig TINY = new VlcConfig(new MaeConfig(32, 8, 3, 32, 2, 4, 16, 1, 2, 4.0, 0.6, true),
      new BertEmbeddingsConfig(1024, 32, 32, 1, 0, 1e-12), ShapesWorld.answers(), 1023);

  @Test
  void dropsPatchesInEveryPretrainingPassAndEveryTermFallsOnOneBatch(@TempDir Path tmp) {
    ShapesSource source = new ShapesSource(new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(32).withObjects(1, 2)),
        Split.TRAIN, 64, 0);
    Tokenizer tok = RunTokenizer.loadOrTrain(tmp, source, ShapesWorld.answers(), TINY.tokenizerSpec());
    try (NDManager m = NDManager.newBaseManager()) {
      Vlc vlc = TINY.create();
      vlc.initialize(m, 1);
      assertThrows(IllegalArgumentException.class, () -> new VlcTask(vlc, tok, Map.of("wpa", 1.0), 7, ModelWriter.NONE));
      VlcTask task = new VlcTask(vlc, tok, Map.of(), 7, ModelWriter.NONE);
      Loader loader = new Loader(source, new EvalTransform(PreprocessConfig.openai(32)), LoaderConfig.train(8, 0).withThreads(1),
          SkipReport.quiet(), tok::tokenize);
      try (Loader.Run run = loader.open(m)) {
        Batch batch = run.next();
        VlcTask.Inputs in = task.collate(batch, m);
        assertEquals(new Shape(8, 16), in.noise().getShape(), "one drop draw per image");
        VlcTask.Outputs first = task.forward(in);
        assertEquals(new Shape(8, 16), first.mimMask().getShape());
        assertEquals(80f, first.mimMask().sum().getFloat(), "10 of 16 patches dropped in each of 8 images");
        assertEquals(new Shape(8, 16, 192), first.mimTarget().getShape());
        float patchMean = first.mimTarget().mean(new int[] {-1}).abs().max().getFloat();
        assertTrue(patchMean < 1e-4, "targets are per-patch normalised pixels: " + patchMean);

        vlc.train(true);
        Map<String, Parameter> params = new LinkedHashMap<>();
        vlc.namedParameters().forEach((n, p) -> {
          if (!p.isFrozen()) params.put(n, p);
        });
        AdamW adam = new AdamW(params, ParamGroups.weightDecay(params, 0.0), new AdamW.Hyper(0.9, 0.98, 1e-6), m);
        Map<String, Double> start = null;
        Map<String, Double> end = null;
        for (int step = 0; step < 60; step++) {
          try (NDScope scope = new NDScope()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              LossTerms loss = task.loss(task.forward(in));
              if (step == 0) {
                start = loss.values();
                assertEquals(List.of("mlm_loss", "itm_loss", "mim_loss", "vqa_loss"), List.copyOf(start.keySet()));
              }
              end = loss.values();
              gc.backward(loss.total());
            }
            if (step == 0) GradCheck.assertEveryParameterLearns(vlc);
            adam.step(1e-3);
            Gradients.zero(params.values());
          }
        }
        for (String term : start.keySet()) {
          assertTrue(end.get(term) < 0.8 * start.get(term), term + " falls on a fixed batch: " + start + " -> " + end);
        }
      }
    }
  }

  @Test
  void termsOfWeightZeroAreNotComputed(@TempDir Path tmp) {
    ShapesSource source = new ShapesSource(new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(32).withObjects(1, 2)),
        Split.TRAIN, 16, 0);
    Tokenizer tok = RunTokenizer.loadOrTrain(tmp, source, ShapesWorld.answers(), TINY.tokenizerSpec());
    try (NDManager m = NDManager.newBaseManager()) {
      Vlc vlc = TINY.create();
      vlc.initialize(m, 1);
      VlcTask task = new VlcTask(vlc, tok, Map.of("vqa", 0.0, "itm", 0.0), 7, ModelWriter.NONE);
      Loader loader = new Loader(source, new EvalTransform(PreprocessConfig.openai(32)), LoaderConfig.train(4, 0).withThreads(1),
          SkipReport.quiet(), tok::tokenize);
      try (Loader.Run run = loader.open(m)) {
        VlcTask.Inputs in = task.collate(run.next(), m);
        assertEquals(null, in.pairs().question(), "no questions collated for a VQA weight of 0");
        assertEquals(List.of("mlm_loss", "mim_loss"), List.copyOf(task.loss(task.forward(in)).values().keySet()));
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new VlcTask(vlc, tok, Map.of("mlm", 0.0, "itm", 0.0, "mim", 0.0, "vqa", 0.0), 7, ModelWriter.NONE));
      assertTrue(e.getMessage().contains("every VLC term is 0"), e.getMessage());
    }
  }
}
