package dev.vlt.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.msclip.MsClipConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Experiment files: defaults, how a run's fields lay over the base, and one-line errors for what cannot be compared. */
class ExperimentSpecTest {
  static final String GOOD = """
      {"title": "t", "data": {"name": "shapes", "eval_images": 10},
       "budget": {"steps": 3, "batch_size": 4, "seeds": [0, 1], "warmup": 1},
       "tokenizer": {"vocab_size": 600, "context_length": 20}, "analysis_pairs": 4,
       "base": {"embed_dim": 16, "msclip_cfg": {"image_size": 16, "patch_size": 4, "width": 16, "heads": 2, "layers": 2, "mlp_ratio": 2.0}},
       "runs": [{"name": "clip", "msclip_cfg": {"shared_layers": []}}, {"name": "msclip"},
                {"name": "es", "msclip_cfg": {"early_specialization": true, "parallel_layers": [1], "pool_type": "ggem"}}]}
      """;
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void runsLayTheirFieldsOverTheBase() throws Exception {
    ExperimentSpec spec = ExperimentSpec.fromJson(json.readTree(GOOD));
    assertEquals(List.of(0L, 1L), spec.budget().seeds());
    assertEquals(0.1, spec.budget().weightDecay());
    MsClipConfig clip = spec.modelConfig(spec.runs().get(0), 600);
    MsClipConfig ms = spec.modelConfig(spec.runs().get(1), 600);
    MsClipConfig es = spec.modelConfig(spec.runs().get(2), 600);
    assertTrue(clip.sharing().isNone());
    assertEquals(List.of(0, 1), ms.sharing().layers());
    assertEquals(List.of(1), es.sharing().layers(), "early specialization keeps block 0 out of the shared default");
    assertEquals("ggem", es.pool());
    assertEquals(600, es.vocabSize());
    assertEquals(20, es.contextLength());
    assertEquals(16, ExperimentRunner.imageSize(spec));
  }

  @Test
  void errorsNameTheField() throws Exception {
    Map<String, String> cases = Map.of(
        "/budget/warmup", "budget.warmup must be in 0..2",
        "/base/msclip_cfg/vocab_size", "base.msclip_cfg.vocab_size is set from the trained tokenizer",
        "/data/name", "data.name must be shapes or emoji",
        "/budget/surprise", "experiment.budget.surprise is not a known field");
    for (var c : cases.entrySet()) {
      ObjectNode root = (ObjectNode) json.readTree(GOOD);
      String[] path = c.getKey().substring(1).split("/");
      ObjectNode parent = (ObjectNode) root.at("/" + String.join("/", List.of(path).subList(0, path.length - 1)));
      String leaf = path[path.length - 1];
      if (leaf.equals("name")) parent.put(leaf, "coco");
      else parent.put(leaf, 3);
      String msg = assertThrows(IllegalArgumentException.class, () -> ExperimentSpec.fromJson(root)).getMessage();
      assertTrue(msg.contains(c.getValue()), msg);
    }
    ObjectNode sizes = (ObjectNode) json.readTree(GOOD);
    ((ObjectNode) sizes.at("/runs/1")).putObject("msclip_cfg").put("image_size", 32);
    ExperimentSpec spec = ExperimentSpec.fromJson(sizes);
    String msg = assertThrows(IllegalArgumentException.class, () -> ExperimentRunner.imageSize(spec)).getMessage();
    assertTrue(msg.contains("run 'msclip' has image_size 32"), msg);
    ObjectNode badRun = (ObjectNode) json.readTree(GOOD);
    ((ObjectNode) badRun.at("/runs/2/msclip_cfg")).put("shared_layers", json.createArrayNode().add(0));
    ExperimentSpec bad = ExperimentSpec.fromJson(badRun);
    msg = assertThrows(IllegalArgumentException.class, () -> bad.modelConfig(bad.runs().get(2), 600)).getMessage();
    assertTrue(msg.startsWith("run 'es': ") && msg.contains("early_specialization"), msg);
  }

  @Test
  void theBudgetIsTheTrainersConfig() throws Exception {
    ExperimentSpec spec = ExperimentSpec.fromJson(new ObjectMapper().readTree(GOOD));
    var cfg = ExperimentRunner.trainConfig(spec, java.nio.file.Path.of("m.json"), java.nio.file.Path.of("tok"), 7)
        .resolved(-1);
    ExperimentSpec.Budget b = spec.budget();
    assertEquals(b.steps(), cfg.totalSteps());
    assertEquals(b.steps(), cfg.stepsPerEpoch());
    assertEquals(b.warmup(), cfg.warmupSteps());
    assertEquals(b.gradClip(), cfg.optim().gradClipNorm());
    assertEquals(b.lr(), cfg.optim().lr());
    assertEquals(7, cfg.seed());
  }

  @Test
  void pairedDifferencesGiveATIntervalAndSayWhatTheSeedsResolve() {
    ExperimentReport.Paired wide = ExperimentReport.Paired.of(List.of(1.0, 2.0, 3.0), List.of(0.0, 0.0, 0.0));
    assertEquals(2.0, wide.mean(), 1e-12);
    assertEquals(2.0 - 4.303 / Math.sqrt(3), wide.lo(), 1e-9, "t(0.975, 2) = 4.303, sd 1");
    assertEquals("no difference detectable above 4.484", wide.verdict());
    ExperimentReport.Paired tight = ExperimentReport.Paired.of(List.of(0.50, 0.52, 0.51, 0.53, 0.49), List.of(0.40, 0.41, 0.40, 0.42, 0.39));
    assertTrue(tight.lo() > 0, tight.toString());
    assertEquals("higher (the interval excludes 0)", tight.verdict());
    assertEquals(4, ExperimentReport.Paired.of(List.of(1.0, Double.NaN, 2.0, 3.0, 4.0), List.of(0.0, 0.0, 0.0, 0.0, 0.0)).n(),
        "a seed missing the metric is left out of the pairs");
    assertEquals("one seed: no interval", ExperimentReport.Paired.of(List.of(1.0), List.of(0.0)).verdict());
  }

  @Test
  void meanAndSampleSpread() {
    ExperimentReport.Stat s = ExperimentReport.Stat.of(List.of(1.0, 2.0, 3.0));
    assertEquals(2.0, s.mean(), 1e-12);
    assertEquals(1.0, s.std(), 1e-12);
    assertEquals("2.00 ± 1.00", s.format(2));
    assertEquals(0.0, ExperimentReport.Stat.of(List.of(5.0)).std());
    assertEquals("4.0 ± 1.4", ExperimentReport.Stat.of(List.of(3.0, Double.NaN, 5.0)).format(1), "a missing value is left out");
    assertEquals("—", ExperimentReport.Stat.of(List.of(Double.NaN)).format(1));
    double[][] smooth = ExperimentReport.smoothed(new double[] {10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20});
    assertEquals(10.0, smooth[1][0]);
    assertEquals(5.0, smooth[1][1]);
    assertEquals(2.0, smooth[1][11], 1e-12, "the last 10 steps: 0 × 9 + 20");
  }
}
