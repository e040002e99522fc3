package dev.vlt.cli;

import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.eval.suite.EvalSet;
import dev.vlt.eval.suite.EvalSets;
import dev.vlt.eval.suite.EvalSuite;
import dev.vlt.infer.Embedder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true,
    description = {"Evaluate a model: zero-shot classification (prompt ensembles), image-text retrieval, linear probe and k-NN.",
        "Writes metrics.json, report.html and plots to --out and prints a results table."})
public final class EvalCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions;
  @Mixin ThreadsOption threads;

  @Option(names = "--data", split = ",", defaultValue = "auto", paramLabel = "SETS",
      description = "Comma-separated: shapes, emoji, fashion-mnist, digits, or auto (shapes + every real set found; default).")
  List<String> data;

  @Option(names = "--out", defaultValue = "runs/eval", description = "Report folder (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--shapes-images", defaultValue = "400", description = "ShapesWorld images per part (default ${DEFAULT-VALUE}).")
  int shapesImages;

  @Option(names = "--seed", defaultValue = "0", description = "ShapesWorld seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    threads.apply();
    try (Embedder e = modelOptions.open()) {
      ShapesWorldConfig shapes = ShapesWorldConfig.defaults().withSeed(seed).withImageSize(e.imageSize());
      List<EvalSet> sets = EvalSets.open(data, shapes, shapesImages, msg -> System.err.println("vlt: skipped " + msg));
      EvalSuite.Outcome o = new EvalSuite(e, System.err::println).run(sets, out, "vlt eval: " + modelOptions.model);
      System.out.println(o.markdown());
      System.out.println("report:  " + o.report().toAbsolutePath());
      System.out.println("metrics: " + o.metrics().toAbsolutePath());
    }
    return 0;
  }
}
