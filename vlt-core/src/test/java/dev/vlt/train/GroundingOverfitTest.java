package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.vlt.data.Batch;
import dev.vlt.data.DataOptions;
import dev.vlt.data.DataSources;
import dev.vlt.data.GeneratedSource;
import dev.vlt.data.Loader;
import dev.vlt.data.Sample;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.image.Raster8;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.Models;
import dev.vlt.objectives.BoxLoss;
import dev.vlt.tensor.Boxes;
import dev.vlt.tensor.Engines;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tokenize.BpeTrainer;
import dev.vlt.tokenize.ClipBpeTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grounding path can fit: TransVG and TransVG++ (the quickstarts' configs) trained with the grounding task's batches,
 * loss and AdamW on one fixed batch of 8 ShapesWorld scenes of 1-3 objects must put every box at IoU > 0.9. (Through the
 * Trainer a generated source gives fresh scenes every epoch, so this test runs its own loop over one batch.) A wrong
 * target frame, a box-format mix-up between loss and IoU, or a model that ignores its inputs (the mean box scores about
 * 0.1 here) fails it.
 */
class GroundingOverfitTest {
  static final int SCENES = 8;
  static final int STEPS = 300;

  @BeforeAll
  static void oneThread() {
    Engines.setThreads(1);
  }

  @Test
  void transVgFitsAFewScenes(@TempDir Path tmp) throws Exception {
    assertFits("transvg-small", tmp);
  }

  @Test
  void transVgPlusFitsAFewScenes(@TempDir Path tmp) throws Exception {
    assertFits("transvg++-small", tmp);
  }

  private static void assertFits(String name, Path tmp) throws Exception {
    GeneratedSource source = (GeneratedSource) DataSources.open("shapes", DataOptions.defaults(64).withShapes(3, SCENES, 0),
        SkipReport.quiet());
    List<Sample> samples = new ArrayList<>();
    List<Raster8> images = new ArrayList<>();
    List<String> corpus = new ArrayList<>();
    for (int i = 0; i < SCENES; i++) {
      Sample s = source.get(i);
      samples.add(s);
      images.add(s.image().load());
      s.phrases().forEach(p -> corpus.add(p.text()));
    }
    BpeTrainer.train(corpus, 600).save(tmp);
    ClipBpeTokenizer tok = ClipBpeTokenizer.fromVocabAndMerges(tmp.resolve("vocab.json"), tmp.resolve("merges.txt"), 16);
    PreprocessConfig pre = PreprocessConfig.openai(64);
    try (NDManager m = NDManager.newBaseManager()) {
      Module model = Models.config(name).create();
      model.initialize(m, 0);
      model.train(true);
      GroundingTask task = new GroundingTask(model, tok, pre, BoxLoss.defaults(), 0, null);
      var pixels = new ModelInputs(new EvalTransform(pre), tok, SCENES).pixels(m, images);
      GroundingTask.Pairs batch = task.collate(new Batch(pixels, samples, samples.stream().map(s -> s.captions().get(0)).toList(), null,
          Loader.Position.START), m);
      java.util.Map<String, dev.vlt.tensor.Parameter> params = new java.util.LinkedHashMap<>();
      model.namedParameters().forEach((n, p) -> {
        if (!p.isFrozen()) params.put(n, p);
      });
      AdamW adam = new AdamW(params, ParamGroups.weightDecay(params, 0.0), new AdamW.Hyper(0.9, 0.98, 1e-6), m);
      for (int step = 0; step < STEPS; step++) {
        try (NDScope scope = new NDScope()) {
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(task.loss(task.forward(batch)).total());
          }
          adam.step(3e-4);
          Gradients.zero(params.values());
        }
      }
      model.train(false);
      float[] got;
      try (NoGrad ng = NoGrad.open()) {
        got = task.forward(batch).boxes().toFloatArray();
      }
      float[] want = batch.targets().toFloatArray();
      double worst = 1;
      for (int i = 0; i < want.length / 4; i++) {
        float[] g = Boxes.toXyxy(new float[] {got[4 * i], got[4 * i + 1], got[4 * i + 2], got[4 * i + 3]});
        float[] w = Boxes.toXyxy(new float[] {want[4 * i], want[4 * i + 1], want[4 * i + 2], want[4 * i + 3]});
        worst = Math.min(worst, Boxes.iou(g, w));
      }
      assertTrue(worst > 0.9, name + ": the worst of " + SCENES + " scenes is fitted to IoU " + worst + " after " + STEPS + " steps");
    }
  }
}
