package dev.vlt.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.data.Sample;
import dev.vlt.data.SkipReport;
import dev.vlt.data.shapes.ShapesSource;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.infer.Embedder;
import dev.vlt.systems.QuickstartSystem;
import dev.vlt.tensor.Engines;
import dev.vlt.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An experiment over a quickstart system: arms change the system's model config and training settings, seeds pair them. */
class SystemExperimentRunnerTest {
  /** A small system: the shapes-small CLIP for a few steps, scored by its matched image-caption cosine on 8 test scenes. */
  static final class Tiny implements QuickstartSystem {
    @Override
    public String name() {
      return "tiny";
    }

    @Override
    public String description() {
      return "shapes-small for a few steps";
    }

    @Override
    public TrainConfig trainConfig(long seed, Long steps) {
      return TrainConfig.fromJson(new ObjectMapper().createObjectNode().put("model", "shapes-small").put("data", "shapes")
          .put("seed", seed).put("steps", steps == null ? 2 : steps).put("batch_size", 8).put("zeroshot_frequency", 0)
          .put("log_every_n_steps", 1));
    }

    @Override
    public Evaluation evaluate(Path model, Path out, long seed, Consumer<String> log) throws IOException {
      ShapesSource test = new ShapesSource(new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(64)), Split.TEST, 8, 0);
      List<dev.vlt.data.image.Raster8> images = new ArrayList<>();
      List<String> captions = new ArrayList<>();
      for (long i = 0; i < 8; i++) {
        Sample s = test.get(i);
        images.add(s.loadOrSkip(SkipReport.quiet()));
        captions.add(s.captions().get(0));
      }
      double cos = 0;
      double first = 0;
      try (Embedder e = Embedder.open(model.toString(), null)) {
        float[][] a = e.embedImages(images);
        float[][] b = e.embedTexts(captions);
        for (int i = 0; i < 8; i++) for (int d = 0; d < a[i].length; d++) cos += a[i][d] * b[i][d] / 8;
        first = a[0][0];
      }
      Files.createDirectories(out);
      Path report = Files.writeString(out.resolve("report.html"), "<p>" + cos + "</p>");
      return new Evaluation(List.of(new Figure("matched cos", cos, "untrained", -1)), List.of(), report,
          java.util.Map.of("feature 0", first));
    }
  }

  static final String SPEC = """
      {"title": "tiny", "system": "tiny", "budget": {"seeds": [0, 1], "steps": 3}, "reference": "narrow",
       "runs": [{"name": "wide"},
                {"name": "narrow", "model_cfg": {"embed_dim": 32, "vision_cfg": {"layers": 1}}},
                {"name": "slow", "train": {"lr": 1e-6}}]}""";

  @BeforeAll
  static void oneThread() {
    Engines.setThreads(1);
  }

  @Test
  void everyArmIsTheSystemsRunWithItsChangesScoredByTheSystem(@TempDir Path out) throws Exception {
    SystemExperimentSpec spec = SystemExperimentSpec.fromJson(new ObjectMapper().readTree(SPEC));
    ExperimentReport.Written w = SystemExperimentRunner.run(spec, new Tiny(), out, false, line -> {});
    JsonNode results = new ObjectMapper().readTree(w.json().toFile());
    assertEquals(6, results.get("runs").size(), "3 arms × 2 seeds");
    assertEquals("narrow", results.get("reference").asText());
    long wide = results.at("/summary/wide/parameters").asLong();
    long narrow = results.at("/summary/narrow/parameters").asLong();
    assertTrue(narrow < wide, "the model_cfg change is trained: " + narrow + " vs " + wide);
    assertEquals(wide, results.at("/summary/slow/parameters").asLong());
    for (JsonNode r : results.get("runs")) {
      assertEquals(3, r.get("loss").size(), "the budget's steps");
      assertTrue(Double.isFinite(r.at("/metrics/matched cos").asDouble()));
      assertTrue(r.at("/metrics/feature 0").isNumber(), "a measure without a baseline is reported too: " + r);
    }
    JsonNode narrowCfg = new ObjectMapper().readTree(out.resolve("configs/narrow.json").toFile());
    assertEquals(1, narrowCfg.at("/model_cfg/vision_cfg/layers").asInt(), "a nested change keeps the other keys");
    assertEquals(128, narrowCfg.at("/model_cfg/vision_cfg/width").asInt());
    // same seed, same data order and draw: the wide and slow arms start from the same loss, a different seed does not
    double wide0 = loss(results, "wide", 0);
    assertEquals(wide0, loss(results, "slow", 0), 1e-6);
    assertNotEquals(wide0, loss(results, "wide", 1), 1e-6);
    String md = Files.readString(w.markdown());
    assertTrue(md.contains("## Paired differences against narrow"), md);
    assertTrue(md.contains("| wide | matched cos |") && md.contains("| slow | matched cos |"), md);
    assertTrue(md.contains("| wide | feature 0 "), "measures are compared seed by seed too: " + md);
    assertTrue(md.contains("untrained -1.000"), "the system's baselines are stated: " + md);
    assertTrue(!Files.exists(out.resolve("runs/wide-seed0/model")), "models are kept only when asked");
    assertTrue(Files.isRegularFile(out.resolve("runs/wide-seed0/eval/report.html")));
  }

  @Test
  void aSpecIsCheckedBeforeAnythingTrains() throws Exception {
    ObjectMapper json = new ObjectMapper();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SystemExperimentSpec.fromJson(json.readTree(
        "{\"system\": \"tiny\", \"reference\": \"b\", \"runs\": [{\"name\": \"a\"}]}")));
    assertTrue(e.getMessage().contains("reference") && e.getMessage().contains("'b'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SystemExperimentSpec.fromJson(json.readTree(
        "{\"system\": \"tiny\", \"runs\": [{\"name\": \"a\", \"train\": {\"seed\": 3}}]}")));
    assertTrue(e.getMessage().contains("budget.seeds"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SystemExperimentSpec.fromJson(json.readTree(
        "{\"system\": \"tiny\", \"runs\": [{\"name\": \"a\", \"lr\": 3}]}")));
    assertTrue(e.getMessage().contains("lr"), "an unknown key is named: " + e.getMessage());
    SystemExperimentSpec spec = SystemExperimentSpec.fromJson(json.readTree(
        "{\"system\": \"tiny\", \"runs\": [{\"name\": \"a\", \"model_cfg\": {\"vision_cfg\": {\"layerz\": 1}}}]}"));
    e = assertThrows(IllegalArgumentException.class, () -> SystemExperimentRunner.run(spec, new Tiny(), Files.createTempDirectory("x"),
        false, l -> {}));
    assertTrue(e.getMessage().contains("layerz"), "a model_cfg change the architecture refuses is named: " + e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SystemExperimentRunner.run(SystemExperimentSpec.fromJson(json.readTree(
        "{\"system\": \"nope\", \"runs\": [{\"name\": \"a\"}]}")), Files.createTempDirectory("x"), false, l -> {}));
    assertTrue(e.getMessage().contains("clip"), "an unknown system lists the known: " + e.getMessage());
  }

  private static double loss(JsonNode results, String run, long seed) {
    for (JsonNode r : results.get("runs")) {
      if (r.get("run").asText().equals(run) && r.get("seed").asLong() == seed) return r.get("loss").get(0).asDouble();
    }
    throw new AssertionError(run + " seed " + seed);
  }
}
