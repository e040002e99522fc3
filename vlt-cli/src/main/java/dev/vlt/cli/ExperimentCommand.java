package dev.vlt.cli;

import dev.vlt.experiment.ExperimentReport;
import dev.vlt.experiment.ExperimentRunner;
import dev.vlt.experiment.ExperimentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = {"Train several model configs on the same data with the same budget and seeds, evaluate them the same way",
        "(zero-shot, retrieval R@1, linear probe, modality gap, head CKA) and write one report: report.md, results.json,",
        "curves.png and cka.png. See docs/experiments/ for the file format and examples."})
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
    ExperimentSpec spec = ExperimentSpec.read(file);
    Path dir = out != null ? out : Path.of("runs", "experiments", file.getFileName().toString().replaceFirst("\\.json$", ""));
    long t0 = System.nanoTime();
    ExperimentReport.Written w = ExperimentRunner.run(spec, dir, saveModels, System.err::println);
    System.out.println(Files.readString(w.markdown()).lines().takeWhile(l -> !l.startsWith("Columns:")).reduce("", (a, b) -> a + b + "\n"));
    System.out.printf("report:  %s%nresults: %s%ntime:    %.1f min%n", w.markdown().toAbsolutePath(), w.json().toAbsolutePath(),
        (System.nanoTime() - t0) / 60e9);
    return 0;
  }
}
