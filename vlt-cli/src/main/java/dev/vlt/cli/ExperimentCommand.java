package dev.vlt.cli;

import dev.vlt.experiment.ExperimentReport;
import dev.vlt.experiment.ExperimentRunner;
import dev.vlt.experiment.ExperimentSpec;
import dev.vlt.experiment.SystemExperimentRunner;
import dev.vlt.experiment.SystemExperimentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = {"Train several arms on the same data with the same budget and seeds, evaluate them the same way and write",
        "one report (report.md, results.json, curves.png) with every arm's paired difference against the reference arm.",
        "A file naming a \"system\" varies that quickstart system's model config and training settings and scores each arm",
        "with the system's own evaluation; otherwise it sweeps MS-CLIP configs (zero-shot, retrieval, probe, modality gap,",
        "head CKA). See docs/experiments/ for the formats and examples."})
public final class ExperimentCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE.json", description = "The experiment file.")
  Path file;

  @Option(names = "--out", paramLabel = "DIR", description = "Report folder (default runs/experiments/NAME, NAME the file's).")
  Path out;

  @Option(names = "--save-models", description = "Also write every trained model as a model folder under OUT/models/.")
  boolean saveModels;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    threads.apply();
    boolean bySystem = SystemExperimentSpec.isSystemExperiment(ExperimentSpec.readJson(file));
    SystemExperimentSpec system = bySystem ? SystemExperimentSpec.read(file) : null;
    ExperimentSpec spec = bySystem ? null : ExperimentSpec.read(file);
    Path dir = out != null ? out : Path.of("runs", "experiments", file.getFileName().toString().replaceFirst("\\.json$", ""));
    long t0 = System.nanoTime();
    return GracefulStop.run(() -> {
      ExperimentReport.Written w = bySystem ? SystemExperimentRunner.run(system, dir, saveModels, System.err::println)
          : ExperimentRunner.run(spec, dir, saveModels, System.err::println);
      System.out.println(Files.readString(w.markdown()).lines().takeWhile(l -> !l.startsWith("Columns:")).reduce("", (a, b) -> a + b + "\n"));
      System.out.printf("report:  %s%nresults: %s%ntime:    %.1f min%n", w.markdown().toAbsolutePath(), w.json().toAbsolutePath(),
          (System.nanoTime() - t0) / 60e9);
      return 0;
    });
  }
}
