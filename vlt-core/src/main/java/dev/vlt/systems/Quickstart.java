package dev.vlt.systems;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.train.TrainConfig;
import dev.vlt.train.TrainListener;
import dev.vlt.train.TrainRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code vlt quickstart --system NAME} for every system: train its small configuration into {@code OUT/train} (the model
 * folder at {@code OUT/train/model}), evaluate it into {@code OUT/eval} ({@code report.html}), and write
 * {@code OUT/eval/results.json} with each figure beside its baseline and the wall times.
 */
public final class Quickstart {
  public static final String RESULTS = "results.json";

  /** What a quickstart produced. */
  public record Result(QuickstartSystem.Evaluation evaluation, Path model, Path results, double trainMinutes, double totalMinutes) {}

  private Quickstart() {}

  public static Result run(QuickstartSystem system, Path out, long seed, Long steps, TrainListener progress,
      Consumer<String> log) throws IOException {
    return run(system, out, seed, steps, null, progress, log);
  }

  /** @param data what {@code --data} names (null: the system's built-in data) */
  public static Result run(QuickstartSystem system, Path out, long seed, Long steps, String data, TrainListener progress,
      Consumer<String> log) throws IOException {
    long t0 = System.nanoTime();
    Path trainDir = out.resolve("train");
    TrainConfig cfg = system.prepare(out, seed, steps, data, log);
    log.accept("1/2 training " + system.name() + " (" + cfg.model() + ") -> " + trainDir);
    try (TrainRun run = TrainRun.create(trainDir, cfg)) {
      run.runToEnd(progress);
    }
    double trainMinutes = (System.nanoTime() - t0) / 60e9;
    Path model = trainDir.resolve(TrainRun.MODEL);
    Path evalDir = out.resolve("eval");
    log.accept("2/2 evaluating " + model);
    Files.createDirectories(evalDir);
    QuickstartSystem.Evaluation e = system.evaluate(model, evalDir, seed, log);
    double totalMinutes = (System.nanoTime() - t0) / 60e9;
    Path results = evalDir.resolve(RESULTS);
    write(results, system, cfg, model, e, trainMinutes, totalMinutes);
    return new Result(e, model, results, trainMinutes, totalMinutes);
  }

  private static void write(Path file, QuickstartSystem system, TrainConfig cfg, Path model, QuickstartSystem.Evaluation e,
      double trainMinutes, double totalMinutes) throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("system", system.name()).put("description", system.description()).put("model", model.toAbsolutePath().toString())
        .put("seed", cfg.seed()).put("train_minutes", trainMinutes).put("total_minutes", totalMinutes)
        .put("report", e.report().toAbsolutePath().toString());
    root.set("train_config", cfg.toJson(json));
    ArrayNode figures = root.putArray("figures");
    boolean all = true;
    for (QuickstartSystem.Figure f : e.figures()) {
      figures.addObject().put("name", f.name()).put("value", f.value()).put("baseline", f.baselineName())
          .put("baseline_value", f.baseline()).put("above_baseline", f.aboveBaseline());
      all &= f.aboveBaseline();
    }
    root.put("all_above_baseline", all);
    ObjectNode measures = root.putObject("measures");
    e.measures().forEach((k, v) -> {
      if (Double.isFinite(v)) measures.put(k, v);
      else measures.putNull(k);                                     // not defined for this model (NaN is not JSON)
    });
    ArrayNode notes = root.putArray("notes");
    e.notes().forEach(notes::add);
    Files.writeString(file, json.writeValueAsString(root) + "\n");
  }

  /** A fraction as the reports print it: one decimal and a per-cent sign ("34.0%"). */
  static String pct(double v) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }
}
