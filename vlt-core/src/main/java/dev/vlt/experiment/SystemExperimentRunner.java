package dev.vlt.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.models.Architectures;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.Models;
import dev.vlt.models.msclip.ParameterSplit;
import dev.vlt.systems.QuickstartSystem;
import dev.vlt.systems.Systems;
import dev.vlt.tensor.Engines;
import dev.vlt.train.Checkpoints;
import dev.vlt.train.TrainConfig;
import dev.vlt.train.TrainListener;
import dev.vlt.train.TrainRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a {@link SystemExperimentSpec}: for every seed, every run is the system's quickstart training configuration with the
 * run's changes, trained through {@link TrainRun} (the loader, data order and Trainer of {@code vlt train}) into
 * {@code out/runs/NAME-seedS/}, then scored by the system's own evaluation into {@code .../eval/}; one report over all
 * of them ({@link ExperimentReport}) compares every run with the reference seed by seed.
 */
public final class SystemExperimentRunner {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SystemExperimentRunner() {}

  /** Runs the spec on its system of {@link Systems} (an unknown name is one error listing the known ones). */
  public static ExperimentReport.Written run(SystemExperimentSpec spec, Path out, boolean saveModels, Consumer<String> log)
      throws IOException {
    return run(spec, Systems.get(spec.system()), out, saveModels, log);
  }

  public static ExperimentReport.Written run(SystemExperimentSpec spec, QuickstartSystem system, Path out, boolean saveModels,
      Consumer<String> log) throws IOException {
    Engines.ensureStarted();
    long start = System.nanoTime();
    Files.createDirectories(out);
    List<RunResult> results = new ArrayList<>();
    Map<String, String> configs = new LinkedHashMap<>();
    Map<String, Map<String, List<Double>>> baselines = new LinkedHashMap<>();  // figure -> baseline name -> values
    TrainConfig first = null;
    String systemModel = null;
    for (long seed : spec.seeds()) {
      // what the system trains first (INDIGO's frozen CLIP) is done once per seed, for every arm
      TrainConfig base = system.prepare(out.resolve("prepared").resolve("seed" + seed), seed, spec.steps(), null, log);
      if (systemModel == null) systemModel = base.model();
      for (SystemExperimentSpec.Run run : spec.runs()) {
        String slug = ExperimentRunner.slug(run.name());
        TrainConfig cfg = trainConfig(base, spec, run, seed, out.resolve("configs").resolve(slug + ".json"));
        if (first == null) first = cfg;
        configs.putIfAbsent(run.name(), describe(run));
        log.accept("run '" + run.name() + "', seed " + seed);
        Path dir = out.resolve("runs").resolve(slug + "-seed" + seed);
        Checkpoints.deleteTree(dir);  // a re-run starts afresh
        ParameterSplit params;
        double[] loss;
        double speed;
        try (TrainRun r = TrainRun.create(dir, cfg)) {
          r.runToEnd(progress(log, cfg.steps()));
          params = ParameterSplit.of(r.model().module());
          List<JsonNode> lines = r.metrics().read();
          loss = lines.stream().filter(l -> l.has("loss")).mapToDouble(l -> l.get("loss").asDouble()).toArray();
          speed = lines.stream().filter(l -> l.has("samples_per_s")).mapToDouble(l -> l.get("samples_per_s").asDouble())
              .average().orElse(0);
        }
        Checkpoints.deleteTree(dir.resolve(TrainRun.CHECKPOINTS));
        QuickstartSystem.Evaluation e = system.evaluate(dir.resolve(TrainRun.MODEL), dir.resolve("eval"), seed, log);
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (QuickstartSystem.Figure f : e.figures()) {
          metrics.put(f.name(), f.value());
          baselines.computeIfAbsent(f.name(), k -> new LinkedHashMap<>()).computeIfAbsent(f.baselineName(), k -> new ArrayList<>())
              .add(f.baseline());
        }
        metrics.putAll(e.measures());
        log.accept("  " + metrics);
        results.add(new RunResult(run.name(), seed, params, speed, loss, metrics, null));
        if (!saveModels) Checkpoints.deleteTree(dir.resolve(TrainRun.MODEL));
      }
    }
    double minutes = (System.nanoTime() - start) / 60e9;
    List<String> names = spec.runs().stream().map(SystemExperimentSpec.Run::name).toList();
    ExperimentReport.Setup setup = new ExperimentReport.Setup(spec.title(), spec.question(), setup(system, spec, first, systemModel, minutes),
        columns(baselines), names, spec.reference(), configs);
    return ExperimentReport.write(setup, results, out);
  }

  /**
   * The run's training configuration: the system's for this seed ({@code base}, at the budget's steps), its model config
   * changed as the run says (written to {@code configFile}) and its training settings set.
   */
  static TrainConfig trainConfig(TrainConfig base, SystemExperimentSpec spec, SystemExperimentSpec.Run run, long seed,
      Path configFile) throws IOException {
    ObjectNode c = base.toJson(JSON);
    if (run.modelCfg() != null) {
      ModelConfig model = TrainRun.modelConfig(base.model());
      ObjectNode cfg = model.toJson(JSON);
      merge(cfg, run.modelCfg());
      ObjectNode root = JSON.createObjectNode();
      root.put(Architectures.KEY, model.arch());
      root.set("model_cfg", cfg);
      Models.readConfig(root, "run '" + run.name() + "' model_cfg");  // a change the architecture refuses fails here, named
      Files.createDirectories(configFile.getParent());
      Files.writeString(configFile, JSON.writeValueAsString(root) + "\n");
      c.put("model", configFile.toString());
    }
    if (run.train() != null) c.setAll(run.train().deepCopy());
    c.put("seed", seed);
    try {
      return TrainConfig.fromJson(c);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("run '" + run.name() + "': " + e.getMessage(), e);
    }
  }

  /** Sets {@code over}'s keys in {@code into}, descending into objects both have. */
  static void merge(ObjectNode into, JsonNode over) {
    for (Iterator<Map.Entry<String, JsonNode>> it = over.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode mine = into.get(e.getKey());
      if (mine instanceof ObjectNode o && e.getValue().isObject()) merge(o, e.getValue());
      else into.set(e.getKey(), e.getValue().deepCopy());
    }
  }

  private static String describe(SystemExperimentSpec.Run run) {
    List<String> parts = new ArrayList<>();
    if (run.modelCfg() != null) parts.add("model_cfg `" + run.modelCfg() + "`");
    if (run.train() != null) parts.add("train `" + run.train() + "`");
    return parts.isEmpty() ? "the system's configuration unchanged" : String.join(", ", parts);
  }

  private static String setup(QuickstartSystem system, SystemExperimentSpec spec, TrainConfig cfg, String model, double minutes) {
    // The model named is the system's own; a run's model_cfg changes are listed under Configs (cfg.model() may be the
    // path of a changed config written beside the report, which means nothing to a reader).
    boolean changed = spec.runs().stream().anyMatch(r -> r.modelCfg() != null);
    return String.format(Locale.ROOT, "**Setup.** System `%s` (its quickstart: %s). Every run trains the system's configuration "
        + "(model `%s`%s, data `%s`, %d steps of batch %d, lr %s) with the changes listed under Configs; seeds %s. For a given "
        + "seed every run reads the same data in the same order and draws its initial weights with that seed. Each trained "
        + "model is scored by the system's own evaluation (that of `vlt quickstart --system %s`). Cells are mean ± sample "
        + "standard deviation over the %d seeds.%s", system.name(), system.description(), model,
        changed ? " with each run's model_cfg changes" : "", cfg.data().source(), cfg.steps(), cfg.batchSize(), cfg.optim().lr(),
        spec.seeds(), system.name(), spec.seeds().size(), ExperimentReport.wallTime(minutes));
  }

  private static String columns(Map<String, Map<String, List<Double>>> baselines) {
    StringBuilder s = new StringBuilder("Columns: the figures of the system's evaluation. Their baselines (mean over runs and seeds):");
    baselines.forEach((figure, byName) -> byName.forEach((name, values) -> s.append(String.format(Locale.ROOT, " %s — %s %.3f;",
        figure, name, values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)))));
    return s.toString();
  }

  private static TrainListener progress(Consumer<String> log, long steps) {
    return new TrainListener() {
      @Override
      public void stepped(dev.vlt.train.StepMetrics m) {
        if (m.step() % 100 == 0 || m.step() == steps) log.accept(String.format(Locale.ROOT, "  step %d/%d  loss %.4f", m.step(), steps, m.loss()));
      }
    };
  }
}
