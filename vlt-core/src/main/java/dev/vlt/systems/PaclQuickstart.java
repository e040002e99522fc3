package dev.vlt.systems;

import static dev.vlt.systems.Quickstart.pct;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.DataOptions;
import dev.vlt.data.DataSource;
import dev.vlt.data.DataSources;
import dev.vlt.data.GeneratedSource;
import dev.vlt.data.Sample;
import dev.vlt.data.SkipReport;
import dev.vlt.data.scenes.EmojiScenes;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.eval.segment.SegmentationEval;
import dev.vlt.eval.segment.SegmentationMetrics;
import dev.vlt.eval.segment.SegmentationSet;
import dev.vlt.infer.LabelMap;
import dev.vlt.infer.Segmenter;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.pacl.PaclConfig;
import dev.vlt.report.HtmlReport;
import dev.vlt.report.ImageGrid;
import dev.vlt.train.Checkpoints;
import dev.vlt.train.TrainConfig;
import dev.vlt.train.TrainRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code vlt quickstart --system pacl}, built as the paper builds PACL: first a CLIP ({@code shapes-small}) is trained on
 * the captions of ShapesWorld or emoji scenes — that CLIP, segmenting through its patch tokens, is the baseline — then
 * both its towers are frozen and only PACL's patch embedder (and the temperature) learns, with the patch-aligned
 * contrastive loss on the same data. The comparison is paired: the two models share every tower weight and differ only in
 * how patches reach the text space. Both are scored the same way ({@link SegmentationEval}): per-patch scores with the
 * class prompts, bilinear upsampling, the best class per pixel, background where no class rises above its own mean
 * over the image by a threshold that each model gets chosen for it on validation scenes (mIoU with background counted), mIoU over the object classes present (background apart) on held-out scenes. {@code OUT/train/model} is the
 * PACL folder (with its chosen threshold recorded, so {@code vlt segment} uses it), {@code OUT/train/clip} the CLIP,
 * {@code OUT/train/pacl} the PACL run's log.
 */
final class PaclQuickstart implements QuickstartSystem {
  static final long CLIP_STEPS = 400;
  static final long PACL_STEPS = 200;
  /**
   * Objects per training scene of PACL's stage (the CLIP's are single objects, as in the clip quickstart), chosen on
   * validation scenes of seed 0: on ShapesWorld the embedder trained on 1-4 objects got the colour of 66 % of object
   * pixels right, the one trained on single objects 40 % (same mIoU); on emoji scenes single emoji did better (val mIoU
   * 4.5 % vs 3.3 %).
   */
  static final int PACL_OBJECTS_SHAPES = 4;
  static final int PACL_OBJECTS_EMOJI = 1;
  static final int CALIBRATION_IMAGES = 100;
  static final int TEST_IMAGES = 200;
  /** Emoji scenes ask each image about the emoji it shows plus distractors, this many names in all. */
  static final int EMOJI_LABELS = 8;
  static final String CLIP_DIR = "clip";
  static final String PACL_RUN = "pacl";
  static final String BASELINE = "CLIP patch baseline (the CLIP PACL is built on)";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  public String name() {
    return "pacl";
  }

  @Override
  public String description() {
    return "PACL (patch embedder over a frozen shapes-small CLIP trained first on the same captions) segmenting held-out "
        + "ShapesWorld (or emoji) scenes by text, against that CLIP's own patch tokens";
  }

  @Override
  public TrainConfig trainConfig(long seed, Long steps) {
    return trainConfig(seed, steps, null);
  }

  /** Stage 1, the CLIP; {@link #evaluate} runs stage 2 (PACL over it) before scoring. */
  @Override
  public TrainConfig trainConfig(long seed, Long steps, String data) {
    String source = data == null ? ShapesWorld.NAME : data;
    if (!source.equals(ShapesWorld.NAME) && !source.equals(EmojiScenes.NAME)) {
      throw new IllegalArgumentException("--data " + data + ": the pacl quickstart trains on shapes or emoji-scenes");
    }
    ObjectNode c = JSON.createObjectNode().put("model", "shapes-small").put("data", source).put("seed", seed)
        .put("steps", steps != null ? steps : CLIP_STEPS).put("zeroshot_frequency", 0);
    return TrainConfig.fromJson(c);
  }

  /** Stage 2: PACL over the frozen CLIP at {@code clipDir}, on the CLIP run's data and seed. */
  static TrainConfig paclConfig(TrainConfig clipRun, Path clipDir) {
    ObjectNode c = clipRun.toJson(JSON);
    c.remove("model");
    boolean emoji = clipRun.data().source().startsWith(EmojiScenes.NAME);
    c.put("pretrained", clipDir.toAbsolutePath().toString()).put("task", "pacl").put("steps", PACL_STEPS)
        .put("shapes_objects", emoji ? PACL_OBJECTS_EMOJI : PACL_OBJECTS_SHAPES).put("zeroshot_frequency", 0);
    return TrainConfig.fromJson(c);
  }

  /** What one model scored: the threshold chosen on validation scenes and the metrics per test set. */
  record Scored(double threshold, Map<String, SegmentationMetrics> metrics, Map<String, SegmentationEval> evals) {}

  @Override
  public Evaluation evaluate(Path modelDir, Path out, long seed, Consumer<String> log) throws IOException {
    Path runDir = modelDir.toAbsolutePath().getParent();
    Path clipDir = runDir.resolve(CLIP_DIR);
    TrainConfig clipRun = trainedConfig(runDir, seed);
    if (!Models.folderConfig(modelDir).arch().equals(PaclConfig.ARCH)) {
      // the trained CLIP moves aside and PACL takes its place as the run's model
      Checkpoints.deleteTree(clipDir);
      Files.move(modelDir, clipDir);
      Path paclRun = runDir.resolve(PACL_RUN);
      TrainConfig pc = paclConfig(clipRun, clipDir);
      log.accept("  training PACL over the frozen CLIP: " + pc.steps() + " steps of " + pc.batchSize() + " on "
          + pc.data().source() + ", seed " + pc.seed() + " -> " + paclRun);
      Checkpoints.deleteTree(paclRun);
      Files.move(Stage.train(paclRun, pc), modelDir);
    }
    if (!Files.isDirectory(clipDir)) throw new IllegalArgumentException(modelDir + ": no CLIP baseline beside it at " + clipDir);
    boolean emoji = clipRun.data().source().startsWith(EmojiScenes.NAME);
    Sets sets;
    Scored own;
    Scored base;
    try (LoadedModel lm = Models.load(modelDir)) {
      sets = sets(emoji, lm.config().imageSize(), seed);
      log.accept("  scoring PACL and the CLIP patch baseline on " + String.join(", ", sets.test().keySet()));
      own = score(lm, sets);
    }
    recordThreshold(modelDir, own.threshold());
    try (LoadedModel lm = Models.load(clipDir)) {
      base = score(lm, sets);
    }
    return report(out, own, base, sets, clipRun);
  }

  /** The CLIP run's own training config (beside its model folder). */
  private TrainConfig trainedConfig(Path runDir, long seed) throws IOException {
    Path file = runDir.resolve(TrainRun.CONFIG);
    return Files.isRegularFile(file) ? TrainConfig.fromJson(JSON.readTree(file.toFile())) : trainConfig(seed, null);
  }

  /** Writes the chosen threshold into the PACL folder's config, so {@code vlt segment} uses it without --threshold. */
  private static void recordThreshold(Path modelDir, double threshold) throws IOException {
    if (Double.isInfinite(threshold)) return;
    Path file = modelDir.resolve(Models.CONFIG_FILE);
    ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
    ((ObjectNode) root.with("model_cfg").with(PaclConfig.KEY)).put("background_threshold", threshold);
    Files.writeString(file, JSON.writeValueAsString(root) + "\n");
  }

  /** The validation scenes that choose each model's threshold, and the held-out test sets. */
  record Sets(SegmentationSet calibration, Map<String, SegmentationSet> test) {}

  static Sets sets(boolean emoji, int imageSize, long seed) throws IOException {
    Map<String, SegmentationSet> test = new LinkedHashMap<>();
    if (!emoji) {
      List<String> names = ShapesWorld.classNames();
      Function<String, String> prompt = n -> ShapesWorld.classPrompts().get(names.indexOf(n));  // "a picture of a red circle"
      SegmentationSet cal = shapes("shapes val", "val", imageSize, 4, 2_000_000 + seed * 10_000, CALIBRATION_IMAGES, prompt,
          "ShapesWorld validation scenes (threshold choice)");
      test.put("shapes held-out scenes", shapes("shapes held-out scenes", "val", imageSize, 4, 1_000_000 + seed * 10_000,
          TEST_IMAGES, prompt, "new ShapesWorld scenes (1-4 objects) of the training colour×shape combinations, 42 class names"));
      test.put("shapes unseen combinations", shapes("shapes unseen combinations", "test", imageSize, 4, seed * 10_000,
          TEST_IMAGES, prompt, "ShapesWorld scenes (1-4 objects) of the 8 colour×shape combinations training never shows, 42 class names"));
      return new Sets(cal, test);
    }
    Function<String, String> prompt = n -> "a " + n;
    SegmentationSet cal = emojiScenes("emoji val", "val", imageSize, 0, CALIBRATION_IMAGES, prompt, "emoji validation scenes");
    test.put("emoji held-out scenes", emojiScenes("emoji held-out scenes", "test", imageSize, 0, TEST_IMAGES, prompt,
        "new layouts (1-4 emoji) of training names; each image asked about its emoji plus distractors, " + EMOJI_LABELS + " names"));
    test.put("emoji unseen names", emojiScenes("emoji unseen names", "unseen", imageSize, 0, TEST_IMAGES, prompt,
        "scenes (1-4 emoji) of names no training scene shows; " + EMOJI_LABELS + " names per image"));
    return new Sets(cal, test);
  }

  private static SegmentationSet shapes(String name, String split, int size, int objects, long offset, int count,
      Function<String, String> prompt, String description) throws IOException {
    DataOptions o = DataOptions.defaults(size).withShapes(objects, count, offset);
    DataSource src = DataSources.open(ShapesWorld.NAME + ":" + split, o, SkipReport.quiet());
    return SegmentationSet.fromSamples(name, description, samples(src, count), ShapesWorld.classNames(), prompt, 0);
  }

  private static SegmentationSet emojiScenes(String name, String split, int size, long offset, int count,
      Function<String, String> prompt, String description) throws IOException {
    DataOptions o = DataOptions.defaults(size).withShapes(4, count, offset);
    DataSource src = DataSources.open(EmojiScenes.NAME + ":" + split, o, SkipReport.quiet());
    return SegmentationSet.fromSamples(name, description, samples(src, count), src.classNames(), prompt, EMOJI_LABELS);
  }

  private static List<Sample> samples(DataSource src, int count) {
    GeneratedSource g = (GeneratedSource) src;
    List<Sample> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) out.add(g.get(i));
    return out;
  }

  /** Chooses the model's threshold on the validation scenes, then scores every test set with it. */
  static Scored score(LoadedModel lm, Sets sets) {
    Segmenter s = new Segmenter(lm, 32);
    double t = new SegmentationEval(s, sets.calibration()).calibrate();
    Map<String, SegmentationMetrics> metrics = new LinkedHashMap<>();
    Map<String, SegmentationEval> evals = new LinkedHashMap<>();
    for (Map.Entry<String, SegmentationSet> e : sets.test().entrySet()) {
      SegmentationEval ev = new SegmentationEval(s, e.getValue());
      evals.put(e.getKey(), ev);
      metrics.put(e.getKey(), ev.evaluate(t));
    }
    return new Scored(t, metrics, evals);
  }

  private Evaluation report(Path out, Scored own, Scored base, Sets sets, TrainConfig trained) throws IOException {
    String who = "PACL";
    List<Figure> figures = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    HtmlReport html = new HtmlReport("vlt quickstart --system pacl");
    html.paragraph(description() + ". Training: the CLIP " + trained.steps() + " steps of " + trained.batchSize() + " on "
        + trained.data().source() + ", seed " + trained.seed() + "; then PACL's embedder " + PACL_STEPS + " steps over it. "
        + "mIoU averages the object classes present in each set (background excluded, reported apart); pixel accuracy "
        + "counts every pixel. Each pixel takes the class of highest patch-text cosine, or background where no class's "
        + "cosine rises above its own mean over the image by a threshold, chosen for each model on "
        + sets.calibration().size() + " validation scenes to maximise mIoU with background counted as a class: " + who + " "
        + threshold(own.threshold()) + ", baseline " + threshold(base.threshold()) + ".");
    List<List<String>> rows = new ArrayList<>();
    for (String set : own.metrics().keySet()) {
      SegmentationMetrics m = own.metrics().get(set);
      SegmentationMetrics b = base.metrics().get(set);
      figures.add(new Figure(set + " mIoU (" + m.images() + " images, " + m.classesPresent() + " classes present)", m.miou(),
          BASELINE, b.miou()));
      figures.add(new Figure(set + " mIoU gain over the CLIP patch baseline", m.miou() - b.miou(), "no gain", 0));
      rows.add(List.of(set + " — " + who, pct(m.miou()), pct(m.pixelAccuracy()), pct(m.backgroundIou()), pct(m.miouWithBackground())));
      rows.add(List.of(set + " — CLIP patch baseline", pct(b.miou()), pct(b.pixelAccuracy()), pct(b.backgroundIou()), pct(b.miouWithBackground())));
      notes.add(String.format(Locale.ROOT, "%s: %s mIoU %.1f%%, pixel accuracy %.1f%%, background IoU %.1f%%%s", set, who,
          100 * m.miou(), 100 * m.pixelAccuracy(), 100 * m.backgroundIou(), String.format(Locale.ROOT,
              "; CLIP patch baseline mIoU %.1f%%, pixel accuracy %.1f%%, background IoU %.1f%%", 100 * b.miou(),
              100 * b.pixelAccuracy(), 100 * b.backgroundIou())));
    }
    html.table("Segmentation (held-out scenes)", List.of("set — model", "mIoU", "pixel accuracy", "background IoU", "mIoU with background"), rows);
    for (String set : own.evals().keySet()) {
      html.section(set).paragraph(sets.test().get(set).description());
      html.image(ImageGrid.render(set + ": image | truth | " + who + " | CLIP patch baseline",
          examples(own, base, sets.test().get(set), set)), "label overlays of the first scenes");
    }
    Path report = out.resolve("report.html");
    html.write(report);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("threshold", own.threshold());
    json.put("baseline_threshold", base.threshold());
    json.put("metrics", own.metrics());
    json.put("baseline_metrics", base.metrics());
    dev.vlt.eval.Metrics.write(out.resolve("segmentation.json"), json);
    return new Evaluation(figures, notes, report);
  }

  private static List<ImageGrid.Row> examples(Scored own, Scored base, SegmentationSet set, String name) {
    List<ImageGrid.Row> rows = new ArrayList<>();
    for (int i = 0; i < Math.min(6, set.size()); i++) {
      var img = set.images().get(i);
      List<ImageGrid.Thumb> cells = new ArrayList<>();
      cells.add(new ImageGrid.Thumb(img.toBufferedImage(), "image", true));
      cells.add(new ImageGrid.Thumb(truthMap(set, i).overlay(img), "truth", true));
      cells.add(new ImageGrid.Thumb(own.evals().get(name).predict(i, own.threshold()).overlay(img), "model", true));
      cells.add(new ImageGrid.Thumb(base.evals().get(name).predict(i, base.threshold()).overlay(img), "baseline", true));
      rows.add(new ImageGrid.Row("scene " + i, cells));
    }
    return rows;
  }

  /** The ground truth as a map over the image's asked classes, coloured like the predictions. */
  private static LabelMap truthMap(SegmentationSet set, int i) {
    int[] truth = set.truth().get(i);
    int[] asked = set.asked().get(i);
    byte[] v = new byte[truth.length];
    for (int p = 0; p < truth.length; p++) {
      if (truth[p] == 0) continue;
      for (int k = 0; k < asked.length; k++) if (asked[k] == truth[p] - 1) v[p] = (byte) (k + 1);
    }
    return new LabelMap(set.images().get(i).width(), set.images().get(i).height(), asked.length, v);
  }

  private static String threshold(double t) {
    return Double.isInfinite(t) ? "none (every pixel labelled)" : String.format(Locale.ROOT, "%.2f above the mean", t);
  }
}
