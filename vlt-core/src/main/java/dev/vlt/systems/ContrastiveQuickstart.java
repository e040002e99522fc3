package dev.vlt.systems;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.eval.ProbeMetrics;
import dev.vlt.eval.Result;
import dev.vlt.eval.RetrievalMetrics;
import dev.vlt.eval.ZeroShotMetrics;
import dev.vlt.eval.suite.EvalSet;
import dev.vlt.eval.suite.EvalSets;
import dev.vlt.eval.suite.EvalSuite;
import dev.vlt.infer.Embedder;
import dev.vlt.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The quickstart of a contrastive image-text system (CLIP, MS-CLIP): the registry model trained with {@code vlt train}'s
 * defaults on one-object ShapesWorld scenes, then {@code vlt eval}'s suite — zero-shot with a prompt ensemble on the
 * colour×shape combinations never seen in training (against chance), retrieval on held-out scenes (against chance), and
 * linear probes on the real sets found (against the majority class).
 */
final class ContrastiveQuickstart implements QuickstartSystem {
  static final int SHAPES_IMAGES = 400;

  private final String name;
  private final String model;
  private final String description;

  ContrastiveQuickstart(String name, String model, String description) {
    this.name = name;
    this.model = model;
    this.description = description;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public TrainConfig trainConfig(long seed, Long steps) {
    ObjectNode c = new ObjectMapper().createObjectNode().put("model", model).put("data", ShapesWorld.NAME).put("seed", seed);
    if (steps != null) c.put("steps", steps);
    return TrainConfig.fromJson(c);
  }

  /** The accuracy of always answering the most frequent test class: the largest row of the confusion matrix. */
  static double majority(int[][] confusion) {
    long total = 0;
    long best = 0;
    for (int[] row : confusion) {
      long n = 0;
      for (int v : row) n += v;
      total += n;
      best = Math.max(best, n);
    }
    return total == 0 ? 0 : (double) best / total;
  }

  @Override
  public Evaluation evaluate(Path modelDir, Path out, long seed, Consumer<String> log) throws IOException {
    return suite(modelDir, out, seed, log, "vlt quickstart --system " + name + ": " + description, List.of("auto"), List.of("shapes"));
  }

  /**
   * {@code vlt eval}'s suite on {@code sets} as figures: zero-shot and text→image retrieval of the sets trained on
   * ({@code trainedOn}) against chance, and every set's linear probe against the majority class.
   */
  static Evaluation suite(Path modelDir, Path out, long seed, Consumer<String> log, String title, List<String> sets,
      List<String> trainedOn)
      throws IOException {
    return suite(modelDir, out, seed, log, title, sets, trainedOn, false);
  }

  /** As {@link #suite(Path, Path, long, Consumer, String, List, List)}, with text→image R@5 beside R@1 when {@code recallAt5}. */
  static Evaluation suite(Path modelDir, Path out, long seed, Consumer<String> log, String title, List<String> sets,
      List<String> trainedOn, boolean recallAt5)
      throws IOException {
    List<String> missing = new ArrayList<>();
    try (Embedder e = Embedder.open(modelDir.toString(), null)) {
      ShapesWorldConfig shapes = ShapesWorldConfig.defaults().withSeed(seed + 1000).withImageSize(e.imageSize());
      List<EvalSet> opened = EvalSets.open(sets, shapes, SHAPES_IMAGES, missing::add);
      EvalSuite.Outcome o = new EvalSuite(e, s -> log.accept("  " + s)).run(opened, out, title);
      List<Figure> figures = new ArrayList<>();
      for (Map.Entry<String, Result> r : o.results().entrySet()) {
        String set = r.getKey().substring(0, r.getKey().indexOf('/'));
        if (r.getValue() instanceof ZeroShotMetrics z && trainedOn.contains(set)) {
          figures.add(new Figure(set + " zero-shot top-1 (" + (set.equals("shapes") ? "held-out colour×shape combinations, " : "test, ")
              + z.classes() + "-way)", z.top1(), "chance", 1.0 / z.classes()));
        } else if (r.getValue() instanceof RetrievalMetrics m && trainedOn.contains(set)) {
          figures.add(new Figure(set + " text→image R@1 (" + m.images() + " held-out " + (set.equals("shapes") ? "scenes" : "images") + ")",
              m.textToImage().get("R@1"), "chance", 1.0 / m.images()));
          if (recallAt5) {
            figures.add(new Figure(set + " text→image R@5 (" + m.images() + " held-out scenes)", m.textToImage().get("R@5"),
                "chance", Math.min(1.0, 5.0 / m.images())));
          }
        } else if (r.getValue() instanceof ProbeMetrics p) {
          figures.add(new Figure(set + " linear probe top-1 (" + p.classes() + " classes)", p.testAccuracy(), "majority class",
              majority(p.confusion())));
        }
      }
      List<String> notes = new ArrayList<>();
      notes.add(o.markdown());
      for (String m : missing) notes.add("not evaluated: " + m);
      return new Evaluation(figures, notes, o.report());
    }
  }
}
