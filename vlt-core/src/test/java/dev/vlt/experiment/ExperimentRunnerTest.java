package dev.vlt.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.analysis.Pairs;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.msclip.MsClipFolder;
import dev.vlt.tensor.Engines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    try (LoadedModel back = MsClipFolder.load(out.resolve("models").resolve("es-seed1"))) {
      assertEquals("ggem", back.msclip().config().pool());
    }
  }

  @Test
  void aSeedFixesTheTrainingOrderAndSeedsDiffer() throws Exception {
    ExperimentData shapes = ExperimentData.shapes(new ExperimentSpec.DataSpec("shapes", 1, 2, 10), 16);
    Pairs a = shapes.trainingPairs(3, 6);
    Pairs b = shapes.trainingPairs(3, 6);
    Pairs c = shapes.trainingPairs(4, 6);
    assertEquals(a.captions(), b.captions());
    assertTrue(java.util.Arrays.equals(a.images().get(5).pixels(), b.images().get(5).pixels()));
    assertTrue(!a.captions().equals(c.captions()));
  }

  @Test
  void emojiEpochsVisitEveryTrainPairOnce() throws Exception {
    ExperimentData emoji = ExperimentData.emoji(new ExperimentSpec.DataSpec("emoji", 1, 1, 10));
    Pairs two = emoji.trainingPairs(0, 2 * 1533);
    List<String> first = new ArrayList<>(two.captions().subList(0, 1533));
    List<String> second = new ArrayList<>(two.captions().subList(1533, 2 * 1533));
    assertTrue(!first.equals(second), "each epoch is reshuffled");
    java.util.Collections.sort(first);
    java.util.Collections.sort(second);
    assertEquals(first, second);
    assertEquals(1533, new java.util.HashSet<>(first).size(), "1533 distinct names, each once per epoch");
  }
}
