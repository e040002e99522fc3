package dev.vlt.cli;

import dev.vlt.systems.Quickstart;
import dev.vlt.systems.QuickstartSystem;
import dev.vlt.systems.Systems;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = {"One system end to end on the built-in data, no download: train its small configuration, evaluate it",
        "against a stated baseline, and write OUT/train/model (a model folder every command takes), OUT/eval/report.html",
        "and OUT/eval/results.json. --list shows the systems; clip is the default."})
public final class QuickstartCommand implements Callable<Integer> {
  @Option(names = "--system", defaultValue = "clip", paramLabel = "NAME", description = "The system (default ${DEFAULT-VALUE}; --list shows all).")
  String system;

  @Option(names = "--list", description = "List the systems and exit.")
  boolean list;

  @Option(names = "--out", description = "Output folder (default runs/quickstart, or runs/quickstart-NAME for another system).")
  Path out;

  @Option(names = "--steps", description = "Training steps (default: the system's budget).")
  Long steps;

  @Option(names = "--data", paramLabel = "SOURCE", description = "Training data other than the system's built-in (systems that take one, e.g. pacl: emoji-scenes).")
  String data;

  @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    if (list) {
      for (QuickstartSystem s : Systems.all()) System.out.printf("%-10s %s%n", s.name(), s.description());
      return 0;
    }
    QuickstartSystem s = Systems.get(system);
    threads.apply();
    Path dir = out != null ? out : Path.of(system.equals("clip") ? "runs/quickstart" : "runs/quickstart-" + system);
    TrainProgress progress = new TrainProgress(System.out, System.console() != null, 50);
    return GracefulStop.run(() -> {
      Quickstart.Result r;
      try {
        r = Quickstart.run(s, dir, seed, steps, data, progress, System.out::println);
      } finally {
        progress.close();
      }
      print(r);
      return 0;
    });
  }

  private static void print(Quickstart.Result r) {
    System.out.println();
    for (String note : r.evaluation().notes()) System.out.println(note);
    System.out.println("figure | measured | baseline");
    System.out.println("---|---|---");
    for (QuickstartSystem.Figure f : r.evaluation().figures()) {
      System.out.printf(Locale.ROOT, "%s | %.1f%% | %.1f%% (%s)%s%n", f.name(), 100 * f.value(), 100 * f.baseline(), f.baselineName(),
          f.aboveBaseline() ? "" : "  <- not above the baseline");
    }
    System.out.printf(Locale.ROOT, "report:  %s%nresults: %s%nmodel:   %s%n(took %.1f min: training %.1f, evaluation %.1f)%n",
        r.evaluation().report().toAbsolutePath(), r.results().toAbsolutePath(), r.model().toAbsolutePath(), r.totalMinutes(),
        r.trainMinutes(), r.totalMinutes() - r.trainMinutes());
  }
}
