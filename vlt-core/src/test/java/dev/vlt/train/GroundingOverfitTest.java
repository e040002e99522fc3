package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.data.Box;
import dev.vlt.data.DataOptions;
import dev.vlt.data.DataSources;
import dev.vlt.data.GeneratedSource;
import dev.vlt.data.Phrase;
import dev.vlt.data.Sample;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.Raster8;
import dev.vlt.infer.Grounder;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.tensor.Boxes;
import dev.vlt.tensor.Engines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole grounding path can fit: TransVG and TransVG++ (the quickstarts' configs) trained through the one Trainer on 8
 * ShapesWorld scenes of 1-3 objects, then asked through {@link Grounder} (vlt ground's path, boxes in image pixels) for the
 * expression each scene trained with, must put every box at IoU > 0.9. A wrong target frame, a flipped axis, a box format
 * mix-up between loss and evaluator, or a model that ignores its inputs (the mean box scores about 0.1 here) fails it.
 */
class GroundingOverfitTest {
  static final int SCENES = 8;

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

  private static void assertFits(String model, Path tmp) throws Exception {
    long seed = 0;
    var cfg = TrainConfig.fromJson(new ObjectMapper().readTree("""
        {"model": "%s", "data": "shapes", "task": "grounding", "shapes_objects": 3, "batch_size": %d, "train_num_samples": %d,
         "steps": 300, "lr": 1e-3, "wd": 0.0, "warmup": 20, "seed": %d}""".formatted(model, SCENES, SCENES, seed)));
    try (TrainRun run = TrainRun.create(tmp.resolve("run"), cfg)) {
      assertEquals(Trainer.Outcome.COMPLETED, run.run(TrainListener.NONE));
    }
    GeneratedSource source = (GeneratedSource) DataSources.open("shapes", DataOptions.defaults(64).withShapes(3, SCENES, 0),
        SkipReport.quiet());
    List<Raster8> images = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    List<float[]> boxes = new ArrayList<>();
    for (int i = 0; i < SCENES; i++) {
      Sample s = source.get(i);
      List<Phrase> phrases = s.phrases();
      // the expression the task drew for this scene (GroundingTask.collate's rule)
      Phrase p = phrases.get(new SplittableRandom(SplitMix.mix(seed, s.id().hashCode())).nextInt(phrases.size()));
      Box b = s.boxes().get(p.box());
      images.add(s.image().load());
      texts.add(p.text());
      boxes.add(new float[] {b.x0(), b.y0(), b.x1(), b.y1()});
    }
    try (LoadedModel lm = Models.load(tmp.resolve("run/model"))) {
      lm.module().train(false);
      List<Grounder.Answer> answers = new Grounder(lm, SCENES).ground(images, texts);
      double worst = 1;
      for (int i = 0; i < SCENES; i++) worst = Math.min(worst, Boxes.iou(answers.get(i).box(), boxes.get(i)));
      assertTrue(worst > 0.9, model + ": the worst of " + SCENES + " training scenes is fitted to IoU " + worst);
    }
  }
}
