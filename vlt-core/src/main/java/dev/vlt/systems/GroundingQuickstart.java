package dev.vlt.systems;

import static dev.vlt.systems.Quickstart.pct;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.Box;
import dev.vlt.data.DataOptions;
import dev.vlt.data.DataSources;
import dev.vlt.data.GeneratedSource;
import dev.vlt.data.Phrase;
import dev.vlt.data.Sample;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.Raster8;
import dev.vlt.eval.GroundingEval;
import dev.vlt.eval.GroundingMetrics;
import dev.vlt.infer.Grounder;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.report.BoxOverlay;
import dev.vlt.report.HtmlReport;
import dev.vlt.report.ImageGrid;
import dev.vlt.train.TrainConfig;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The quickstart of a grounding system (TransVG, TransVG++): the small config trained with the grounding task on
 * ShapesWorld and emoji scenes together ({@code shapes+emoji-scenes}, alternating), then grounding through
 * {@code vlt ground}'s path (boxes in original pixels) on held-out sets: new ShapesWorld scenes (val), scenes of
 * colour×shape combinations never trained on (test), new layouts of the training emoji names (emoji-scenes:test) and,
 * reported apart, emoji whose names no training scene showed (emoji-scenes:unseen). Baseline: the centre box, a box of the
 * mean training box size centred in the image.
 */
final class GroundingQuickstart implements QuickstartSystem {
  static final String DATA = "shapes+emoji-scenes";
  static final int OBJECTS = 3;
  static final int CASES = 1000;
  static final int STEPS = 800;
  static final int BATCH = 32;
  static final double LR = 1e-3;

  /** An evaluation set: the data spec, what it shows, and the training split whose boxes give the baseline's size. */
  record EvalSet(String spec, String title, String trainSpec, boolean headline) {}

  static final List<EvalSet> SETS = List.of(
      new EvalSet("shapes:val", "ShapesWorld held-out scenes", "shapes:train", true),
      new EvalSet("shapes:test", "ShapesWorld held-out colour×shape combinations", "shapes:train", false),
      new EvalSet("emoji-scenes:test", "emoji scenes, new layouts of training names", "emoji-scenes:train", true),
      new EvalSet("emoji-scenes:unseen", "emoji scenes, names never trained on", "emoji-scenes:train", false));

  private final String name;
  private final String model;
  private final String description;
  private final String task;
  private final String data;
  private final int steps;
  private final int batch;
  private final double lr;
  private final Extra extra;

  /** A system's own figures beside the grounding ones (LOUPE: how close its neural Shapley module comes to sampling). */
  interface Extra {
    void evaluate(LoadedModel lm, long seed, HtmlReport html, List<Figure> figures, List<String> notes, Map<String, Double> measures,
        Consumer<String> log) throws IOException;
  }

  /** A box-supervised system (TransVG, TransVG++): the grounding task on {@link #DATA}. */
  GroundingQuickstart(String name, String model, String description, int steps, int batch, double lr) {
    this(name, model, description, "grounding", DATA, steps, batch, lr);
  }

  /**
   * Any system that grounds ({@link dev.vlt.models.GroundingModel}), trained by its own task on its own data (SimLA and
   * LOUPE learn from captions, without boxes) and evaluated exactly as the box-supervised ones.
   */
  GroundingQuickstart(String name, String model, String description, String task, String data, int steps, int batch, double lr) {
    this(name, model, description, task, data, steps, batch, lr, null);
  }

  /** As above, with the system's own evaluation after the grounding sets ({@code extra}, or null). */
  GroundingQuickstart(String name, String model, String description, String task, String data, int steps, int batch, double lr,
      Extra extra) {
    this.extra = extra;
    this.name = name;
    this.model = model;
    this.description = description;
    this.task = task;
    this.data = data;
    this.steps = steps;
    this.batch = batch;
    this.lr = lr;
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
  public TrainConfig trainConfig(long seed, Long stepsOverride) {
    long n = stepsOverride != null ? stepsOverride : steps;
    ObjectNode c = new ObjectMapper().createObjectNode().put("model", model).put("data", data).put("seed", seed)
        .put("task", task).put("shapes_objects", OBJECTS).put("crop_scale", 1.0).put("batch_size", batch).put("steps", n)
        .put("train_num_samples", batch * Math.max(1, n / 4)).put("lr", lr).put("wd", 0.05).put("warmup", Math.min(100, n / 10));
    return TrainConfig.fromJson(c);
  }

  @Override
  public Evaluation evaluate(Path modelDir, Path out, long seed, Consumer<String> log) throws IOException {
    try (LoadedModel lm = Models.load(modelDir)) {
      lm.module().train(false);
      Grounder grounder = new Grounder(lm, 64);
      int size = lm.preprocess().imageSize();
      HtmlReport html = new HtmlReport("vlt quickstart --system " + name + ": " + description);
      html.paragraph("Each set: the referring expressions of its first scenes (" + CASES + " expressions), grounded as vlt ground "
          + "does. Acc@0.5: the predicted box overlaps the referred one with IoU ≥ 0.5. Baseline: the centre box, a box of the "
          + "mean size of 2,000 training expressions' boxes, centred in every image.");
      List<List<String>> rows = new ArrayList<>();
      List<ImageGrid.Row> grid = new ArrayList<>();
      List<Figure> figures = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      Map<String, double[]> sizes = new LinkedHashMap<>();
      for (EvalSet set : SETS) {
        List<GroundingEval.Case> cases = cases(set.spec(), size, CASES);
        double[] mean = sizes.computeIfAbsent(set.trainSpec(), s -> GroundingEval.meanSize(casesUnchecked(s, size, 2000)));
        GroundingEval.Outcome o = GroundingEval.run(grounder, cases);
        GroundingMetrics base = GroundingEval.centreBaseline(cases, mean);
        GroundingMetrics m = o.metrics();
        rows.add(List.of(set.title() + " (" + set.spec() + ")", Integer.toString(m.count()), pct(m.accAt50()), pct(base.accAt50()),
            f(m.meanIou()), f(base.meanIou())));
        log.accept(String.format(Locale.ROOT, "  %s: Acc@0.5 %.1f%% (centre box %.1f%%), mean IoU %.3f (%.3f) over %d expressions",
            set.spec(), 100 * m.accAt50(), 100 * base.accAt50(), m.meanIou(), base.meanIou(), m.count()));
        String what = set.title() + ", " + m.count() + " expressions";
        if (set.headline()) {
          figures.add(new Figure(what + ": Acc@0.5", m.accAt50(), "centre box", base.accAt50()));
          figures.add(new Figure(what + ": mean IoU", m.meanIou(), "centre box", base.meanIou()));
        } else {
          notes.add(String.format(Locale.ROOT, "%s: Acc@0.5 %.1f%% (centre box %.1f%%), mean IoU %.3f (%.3f)", what, 100 * m.accAt50(),
              100 * base.accAt50(), m.meanIou(), base.meanIou()));
        }
        List<ImageGrid.Thumb> thumbs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          GroundingEval.Case c = cases.get(i);
          boolean hit = dev.vlt.tensor.Boxes.iou(o.predicted().get(i), c.box()) >= 0.5;
          thumbs.add(new ImageGrid.Thumb(BoxOverlay.draw(c.image(), 2, new BoxOverlay.Drawn(c.box(), Color.GREEN),
              new BoxOverlay.Drawn(o.predicted().get(i), Color.RED)), c.text(), hit));
        }
        grid.add(new ImageGrid.Row(set.spec(), thumbs));
      }
      html.section("grounding").table("Acc@0.5 and mean IoU against the centre box",
          List.of("set", "expressions", "Acc@0.5", "centre box", "mean IoU", "centre box"), rows);
      html.image(ImageGrid.render("green: referred box, red: predicted (green frame: IoU ≥ 0.5)", grid), "the first 8 expressions of each set");
      Map<String, Double> measures = new LinkedHashMap<>();
      if (extra != null) extra.evaluate(lm, seed, html, figures, notes, measures, log);
      notes.add("unseen emoji names are reported apart: a model trained from scratch has never read them, so above-baseline "
          + "grounding there can only come from locating some emoji, not from the name");
      Path report = out.resolve("report.html");
      html.write(report);
      return new Evaluation(figures, notes, report, measures);
    }
  }

  /** The referring expressions of the first scenes of a generated split, up to {@code max}, with their boxes. */
  static List<GroundingEval.Case> cases(String spec, int imageSize, int max) throws IOException {
    DataOptions options = DataOptions.defaults(imageSize).withShapes(OBJECTS, 4 * max, 0);
    GeneratedSource source = (GeneratedSource) DataSources.open(spec, options, SkipReport.quiet());
    List<GroundingEval.Case> out = new ArrayList<>();
    for (long i = 0; out.size() < max && i < 4L * max; i++) {
      Sample s = source.get(i);
      Raster8 image = s.image().load();
      for (Phrase p : s.phrases()) {
        Box b = s.boxes().get(p.box());
        if (out.size() < max) out.add(new GroundingEval.Case(image, p.text(), new float[] {b.x0(), b.y0(), b.x1(), b.y1()}));
      }
    }
    return out;
  }

  private static List<GroundingEval.Case> casesUnchecked(String spec, int imageSize, int max) {
    try {
      return cases(spec, imageSize, max);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }


  private static String f(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
