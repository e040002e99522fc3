package dev.vlt.experiment;

import dev.vlt.models.msclip.MsClip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.tensor.Engines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole (tiny) experiment end to end, and the training streams' ordering guarantees. */
class ExperimentRunnerTest {
  @BeforeAll
  static void oneThread() {
    Engines.setThreads(1);  // see MsClipTest
  }

  @Test
  void tinyExperimentWritesOneReportOverAllRunsAndSeeds(@TempDir Path out) throws Exception {
    ExperimentSpec spec = ExperimentSpec.fromJson(new ObjectMapper().readTree(ExperimentSpecTest.GOOD));
    ExperimentReport.Written w = ExperimentRunner.run(spec, out, true, line -> {});
    String md = Files.readString(w.markdown());
    for (String run : List.of("| clip ", "| msclip ", "| es ")) assertTrue(md.contains(run), "table row " + run + " in\n" + md);
    assertTrue(md.contains("zero-shot top1") && md.contains("head CKA") && md.contains("samples/s"), md);
    JsonNode results = new ObjectMapper().readTree(w.json().toFile());
    assertEquals(6, results.get("runs").size(), "3 runs × 2 seeds");
    JsonNode summary = results.at("/summary/msclip");
    assertEquals(2, summary.at("/zero-shot top1/n").asInt());
    assertTrue(summary.get("shared_parameters").asLong() > 0);
    assertEquals(0, results.at("/summary/clip/shared_parameters").asLong());
    assertTrue(results.at("/summary/clip/pool p").isMissingNode(), "class-token pooling has no exponent");
    assertEquals(2, results.at("/summary/es/pool p/n").asInt(), "GGeM's exponents are reported for both seeds");
    assertTrue(md.contains("| —"), "a metric a run does not have shows as —");
    for (JsonNode r : results.get("runs")) {
      assertEquals(3, r.get("loss").size());
      for (JsonNode l : r.get("loss")) assertTrue(Double.isFinite(l.asDouble()));
    }
    for (Path p : w.plots()) assertTrue(Files.size(p) > 1000, p + " is empty");
    try (LoadedModel back = Models.load(out.resolve("runs").resolve("es-seed1").resolve("model"))) {
      assertEquals("ggem", back.as(MsClip.class).config().pool());
      assertTrue(Files.isRegularFile(out.resolve("runs/es-seed1/metrics.jsonl")), "every run is a vlt train run folder");
      assertTrue(!Files.exists(out.resolve("runs/es-seed1/checkpoints")), "checkpoints are removed after the run");
    }
  }

  @Test
  void eachSeedTrainsOnItsOwnDataThroughTheTrainRunPath() throws Exception {
    ExperimentSpec spec = ExperimentSpec.fromJson(new ObjectMapper().readTree(ExperimentSpecTest.GOOD));
    dev.vlt.train.TrainConfig a = ExperimentRunner.trainConfig(spec, Path.of("m.json"), Path.of("tok"), 3);
    assertEquals(3, a.seed());
    assertEquals("shapes", a.data().source());
    assertEquals((long) spec.budget().steps() * spec.budget().batchSize(), a.trainNumSamples(), "one epoch is the whole budget");
    assertEquals(1.0, a.data().cropScale(), "training images go through the eval transform, as evaluation sees them");
    assertEquals("tok", a.tokenizer(), "every run trains with the experiment's one tokenizer");
  }
}
