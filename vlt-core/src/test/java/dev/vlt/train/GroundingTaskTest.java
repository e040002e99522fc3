package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.data.Batch;
import dev.vlt.data.Box;
import dev.vlt.data.DataOptions;
import dev.vlt.data.DataSources;
import dev.vlt.data.GeneratedSource;
import dev.vlt.data.Loader;
import dev.vlt.data.GeneratedMix;
import dev.vlt.data.Sample;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.models.Models;
import dev.vlt.objectives.BoxLoss;
import dev.vlt.tensor.Engines;
import dev.vlt.tensor.Module;
import dev.vlt.tokenize.BpeTrainer;
import dev.vlt.tokenize.ClipBpeTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grounding task's batches (one expression per image, its box normalised), the shapes+emoji mixture, two real steps. */
class GroundingTaskTest {
  @BeforeAll
  static void oneThread() {
    Engines.setThreads(1);
  }

  @Test
  void collatesOneExpressionPerImageWithItsNormalisedBox(@TempDir Path tmp) throws Exception {
    GeneratedSource source = (GeneratedSource) DataSources.open("shapes+emoji-scenes", DataOptions.defaults(64).withShapes(3, 100, 0),
        SkipReport.quiet());
    assertTrue(source instanceof GeneratedMix);
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 6; i++) samples.add(source.get(i));
    assertTrue(samples.get(0).id().startsWith("shapes/") && samples.get(1).id().startsWith("emoji-scenes/"), "alternating parts");
    Sample bare = new Sample("none", samples.get(0).image(), List.of("x"), Sample.NO_LABEL, List.of(), List.of(), "none");
    samples.add(2, bare);                                                 // no phrase: left out of the batch
    List<String> corpus = new ArrayList<>();
    samples.forEach(s -> s.phrases().forEach(p -> corpus.add(p.text())));
    BpeTrainer.train(corpus, 600).save(tmp);
    ClipBpeTokenizer tok = ClipBpeTokenizer.fromVocabAndMerges(tmp.resolve("vocab.json"), tmp.resolve("merges.txt"), 16);
    try (NDManager m = NDManager.newBaseManager()) {
      Module model = Models.config("transvg-small").create();
      model.initialize(m, 1);
      GroundingTask task = new GroundingTask(model, tok, PreprocessConfig.openai(64), BoxLoss.defaults(), 3, null);
      var images = m.arange(7 * 3 * 64 * 64).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).reshape(7, 3, 64, 64);
      Batch batch = new Batch(images, samples, samples.stream().map(s -> s.captions().get(0)).toList(), null, Loader.Position.START);
      GroundingTask.Pairs pairs = task.collate(batch, m);
      assertEquals(new Shape(6, 4), pairs.targets().getShape());
      assertEquals(new Shape(6, 16), pairs.ids().getShape());
      assertEquals(images.get(3).getFloat(0, 0, 0), pairs.images().get(2).getFloat(0, 0, 0), "rows after the dropped sample move up");
      float[] t = pairs.targets().toFloatArray();
      int row = 0;
      for (Sample s : samples) {
        if (s.phrases().isEmpty()) continue;
        boolean found = false;
        for (var p : s.phrases()) {
          Box b = s.boxes().get(p.box());
          float[] want = {(b.x0() + b.x1()) / 128f, (b.y0() + b.y1()) / 128f, b.width() / 64f, b.height() / 64f};
          boolean same = true;
          for (int k = 0; k < 4; k++) same &= Math.abs(want[k] - t[4 * row + k]) < 1e-6;
          found |= same;
        }
        assertTrue(found, "row " + row + " is the box of one of " + s.id() + "'s phrases");
        row++;
      }
      assertEquals(pairs.targets().toFloatArray()[0], task.collate(batch, m).targets().toFloatArray()[0], "the same draw every time");
      var loss = task.loss(task.forward(pairs));
      assertTrue(Double.isFinite(loss.values().get("l1_loss")) && loss.values().get("giou_loss") > 0);
    }
  }

  @Test
  void trainsThroughTheOneTrainer(@TempDir Path tmp) throws Exception {
    var cfg = TrainConfig.fromJson(new ObjectMapper().readTree("""
        {"model": "transvg++-small", "data": "shapes+emoji-scenes", "shapes_objects": 3, "batch_size": 4, "steps": 2,
         "train_num_samples": 8, "warmup": 1}"""));
    try (TrainRun run = TrainRun.create(tmp.resolve("run"), cfg)) {
      assertEquals(Trainer.Outcome.COMPLETED, run.run(TrainListener.NONE));
    }
    assertTrue(Files.isRegularFile(tmp.resolve("run/model").resolve(Models.WEIGHTS_FILE)));
    try (var lm = Models.load(tmp.resolve("run/model"))) {
      var answers = new dev.vlt.infer.Grounder(lm, 4).ground(List.of(DataSources.open("shapes:val", SkipReport.quiet()) instanceof GeneratedSource g
          ? g.get(0).image().load() : null), List.of("the red circle"));
      assertEquals(1, answers.size());
    }
  }
}
