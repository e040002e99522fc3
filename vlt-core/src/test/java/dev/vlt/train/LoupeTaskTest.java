package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.DataSources;
import dev.vlt.data.GeneratedSource;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.Raster8;
import dev.vlt.infer.Grounder;
import dev.vlt.models.Models;
import dev.vlt.models.loupe.Loupe;
import dev.vlt.models.loupe.LoupeConfig;
import dev.vlt.tensor.Engines;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LOUPE's fallback from the neural module to sampling, and a real run whose folder grounds as vlt ground does. */
class LoupeTaskTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void oneThread() {
    Engines.setThreads(1);
  }

  /** A LOUPE whose module predicts log-variances near {@code logVariance} (its output bias), sampling at sd > 0.05. */
  private static Loupe model(float logVariance, double audit, NDManager m) {
    ObjectNode cfg = Models.config("loupe-shapes-small").toJson(JSON);
    ((ObjectNode) cfg.get(LoupeConfig.KEY)).put("uncertainty_threshold", 0.05).put("audit", audit);
    Loupe model = LoupeConfig.fromJson(cfg).create();
    model.initialize(m, 5);
    float offset = (float) (2 * Math.log(0.05) + 1);
    model.namedParameters().get("shapley_module.fc2.bias").set(m.create(new float[] {0, logVariance - offset}));
    model.namedParameters().get("shapley_module.fc2.weight").set(m.zeros(new ai.djl.ndarray.types.Shape(2, 256)).add(
        m.randomNormal(new ai.djl.ndarray.types.Shape(2, 256)).mul(m.create(new float[][] {{1}, {0}}))));
    return model;
  }

  /** Plays two phrases on two random images; the module's sd is exp(logVariance / 2) everywhere. */
  private static LoupeTask.Played play(float logVariance, double audit, NDManager m) {
    Loupe model = model(logVariance, audit, m);
    try (NoGrad ng = NoGrad.open()) {
      NDArray images = m.randomNormal(new ai.djl.ndarray.types.Shape(2, 3, 64, 64));
      Loupe.Patches p = model.patches(images);
      NDArray phrase = Ops.l2Normalize(m.randomNormal(new ai.djl.ndarray.types.Shape(2, model.embedDim())));
      NDArray map = model.regionMap(p.tokens(), p.projected(), phrase);
      return LoupeTask.play(model, map, p.projected(), phrase, new long[] {11, 12}, m);
    }
  }

  @Test
  void samplesWhereTheModuleIsUnsureAndTrustsItElsewhere() {
    try (NDManager m = NDManager.newBaseManager()) {
      // sd e^-1 ≈ 0.37 > 0.05: every region is sampled
      LoupeTask.Played unsure = play(-2, 0, m);
      assertEquals(1.0, unsure.wasSampled().mean().getFloat(), 0);
      float[] sampled = unsure.sampled().toFloatArray();
      long[] target = unsure.target().toLongArray();
      int n = (int) unsure.masks().getShape().get(1);
      for (int r = 0; r < 2; r++) {
        int best = 0;
        for (int k = 1; k < n; k++) if (sampled[r * n + k] > sampled[r * n + best]) best = k;
        assertEquals(best, target[r], "the pseudo-label is the largest sampled interaction");
      }
      // sd e^-5 ≈ 0.007 < 0.05: trusted, nothing sampled, the pseudo-label is its own largest mean
      LoupeTask.Played sure = play(-10, 0, m);
      assertEquals(0.0, sure.wasSampled().sum().getFloat(), 0);
      float[] pred = sure.prediction().toFloatArray();
      long[] t2 = sure.target().toLongArray();
      for (int r = 0; r < 2; r++) {
        int best = 0;
        for (int k = 1; k < n; k++) if (pred[2 * (r * n + k)] > pred[2 * (r * n + best)]) best = k;
        assertEquals(best, t2[r], "the pseudo-label is the module's largest predicted interaction");
      }
      // the audit samples a share of the trusted regions anyway
      float audited = play(-10, 0.5, m).wasSampled().mean().getFloat();
      assertTrue(audited > 0.2 && audited < 0.8, "about half audited, got " + audited);
    }
  }

  @Test
  void trainsFromCaptionsAndSavesAFolderThatGrounds(@TempDir Path tmp) throws Exception {
    var cfg = TrainConfig.fromJson(JSON.readTree("""
        {"model": "loupe-shapes-small", "task": "loupe", "data": "shapes+emoji-scenes", "shapes_objects": 3, "batch_size": 4,
         "steps": 3, "train_num_samples": 12, "warmup": 1, "zeroshot_frequency": 0}"""));
    try (TrainRun run = TrainRun.create(tmp.resolve("run"), cfg)) {
      assertEquals(Trainer.Outcome.COMPLETED, run.run(TrainListener.NONE));
    }
    String metrics = Files.readString(tmp.resolve("run").resolve("metrics.jsonl"));
    assertTrue(metrics.contains("region_loss") && metrics.contains("shapley_loss") && metrics.contains("sampled_share"), metrics);
    try (var lm = Models.load(tmp.resolve("run/model"))) {
      assertTrue(lm.module() instanceof Loupe);
      Raster8 scene = ((GeneratedSource) DataSources.open("shapes:val", SkipReport.quiet())).get(0).image().load();
      Raster8 wide = new Raster8(96, 64, 3, new byte[96 * 64 * 3]);                 // a non-square image
      var answers = new Grounder(lm, 4).ground(List.of(scene, wide), List.of("the red circle", "the cat"));
      assertEquals(2, answers.size());
      float[] box = answers.get(1).box();
      assertTrue(box[0] >= -1e-3 && box[2] <= 96 + 1e-3 && box[1] >= -1e-3 && box[3] <= 64 + 1e-3 && box[2] > box[0],
          java.util.Arrays.toString(box));
    }
  }
}
