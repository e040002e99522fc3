package dev.vlt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.eval.suite.EvalSet;
import dev.vlt.eval.suite.EvalSets;
import dev.vlt.eval.suite.EvalSuite;
import dev.vlt.infer.Embedder;
import dev.vlt.train.TrainConfig;
import dev.vlt.train.TrainRun;
import dev.vlt.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = {"The main job on the built-in data, no download: train a small CLIP on ShapesWorld, evaluate it",
        "(zero-shot on held-out colour×shape combinations, retrieval, linear probe; plus the real datasets found here),",
        "write the report and print the results table."})
public final class QuickstartCommand implements Callable<Integer> {
  @Option(names = "--out", defaultValue = "runs/quickstart", description = "Run folder (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--steps", description = "Training steps (default: the train command's default budget).")
  Long steps;

  @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    threads.apply();
    long t0 = System.nanoTime();
    ObjectNode given = new ObjectMapper().createObjectNode().put("seed", seed);
    if (steps != null) given.put("steps", steps);
    Path trainDir = out.resolve("train");
    System.out.println("1/2 training a small CLIP on ShapesWorld -> " + trainDir);
    try (TrainRun run = TrainRun.create(trainDir, TrainConfig.fromJson(given))) {
      TrainProgress progress = new TrainProgress(System.out, System.console() != null, run.config().cadence().logEveryNSteps());
      Trainer.Outcome outcome = run.run(progress);
      progress.close();
      if (outcome != Trainer.Outcome.COMPLETED) throw new IllegalStateException("training stopped early; see " + trainDir);
    }
    Path model = trainDir.resolve(TrainRun.MODEL);
    System.out.println("2/2 evaluating " + model);
    List<String> missing = new ArrayList<>();
    try (Embedder e = Embedder.open(model.toString(), null)) {
      ShapesWorldConfig shapes = ShapesWorldConfig.defaults().withSeed(seed + 1000).withImageSize(e.imageSize());
      List<EvalSet> sets = EvalSets.open(List.of("auto"), shapes, 400, missing::add);
      EvalSuite.Outcome o = new EvalSuite(e, s -> System.out.println("  " + s)).run(sets, out.resolve("eval"),
          "vlt quickstart: a small CLIP trained on ShapesWorld");
      System.out.println();
      System.out.println(o.markdown());
      for (String m : missing) System.out.println("not evaluated: " + m);
      if (missing.size() == 3) {
        System.out.println("no real dataset found: put the bundled sets at ../shared/data (or set VLT_DATA=DIR), "
            + "or install Fashion-MNIST with apt-get install dataset-fashion-mnist");
      }
      System.out.printf("report: %s%nmodel:  %s%n(took %.1f min)%n", o.report().toAbsolutePath(), model.toAbsolutePath(),
          (System.nanoTime() - t0) / 60e9);
    }
    return 0;
  }
}
