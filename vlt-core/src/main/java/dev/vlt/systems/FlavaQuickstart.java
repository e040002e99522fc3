package dev.vlt.systems;

import static dev.vlt.systems.Quickstart.pct;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.image.Raster8;
import dev.vlt.data.shapes.Color;
import dev.vlt.data.shapes.Shape;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.eval.Labeled;
import dev.vlt.eval.LinearProbe;
import dev.vlt.eval.ProbeMetrics;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.flava.Flava;
import dev.vlt.report.HtmlReport;
import dev.vlt.tensor.NoGrad;
import dev.vlt.train.TrainConfig;
import dev.vlt.train.TrainRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * FLAVA's quickstart in two stages, as the paper trains it (pretrain, then fine-tune), both on ShapesWorld scenes of one or
 * two objects: pretraining from random weights on FLAVA's five objectives ({@link #PRETRAIN_STEPS} steps, task
 * {@code flava}: MIM against the model's own k-means visual tokens, MLM, masked multimodal modeling, ITM, global
 * contrastive; through {@link Stage}, so a finished first stage is reused), then multi-task fine-tuning of that checkpoint
 * ({@link #FT_STEPS} steps, task {@code flava-multitask}: ITC + ITM + VQA at once). The one resulting checkpoint is
 * evaluated in every use FLAVA claims, each figure against a stated baseline:
 *
 * <ul>
 *   <li>unimodal, image: linear probes of the image encoder's frozen [CLS] on held-out one-object scenes, for the shape
 *       and for the colour, against the majority class and the same probe on the randomly initialised encoder;
 *   <li>unimodal, text: a linear probe of the text encoder's frozen [CLS] on two-object captions, labelled with the shape
 *       of the object the caption names first (the other object has another shape, so the words alone do not tell it:
 *       word order must), against the majority class and the randomly initialised encoder;
 *   <li>multimodal: VQA per question type on held-out scenes ({@link ShapesVqa}: the majority answer and the blind
 *       question-only prior) and image-text matching (chance);
 *   <li>cross-modal: {@code vlt eval}'s ShapesWorld suite: text→image R@1 and R@5 (chance), zero-shot on held-out
 *       colour×shape combinations (chance), and its linear probe on the projected embedding (majority class).
 * </ul>
 */
public final class FlavaQuickstart implements QuickstartSystem {
  static final String MODEL = "flava-shapes-small";
  static final long PRETRAIN_STEPS = 300;
  static final long FT_STEPS = 400;
  static final int BATCH = 24;
  static final int OBJECTS = 2;
  /** Scenes per split whose every question is asked. */
  static final int SCENES = 300;
  /** Probe examples: fitted on this many training-split scenes, scored on {@link #PROBE_TEST} val-split scenes. */
  static final int PROBE_TRAIN = 600;
  static final int PROBE_TEST = 300;
  static final String PRETRAIN_DIR = "pretrain";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "flava";
  }

  @Override
  public String description() {
    return "FLAVA (flava-shapes-small: a 4-layer image encoder, a 2-layer text encoder and a 2-layer multimodal encoder, width "
        + "128) pretrained on its five objectives (MIM against k-means visual tokens, MLM, masked multimodal modeling, ITM, "
        + "contrastive) on ShapesWorld, then fine-tuned on ITC + ITM + VQA; one checkpoint evaluated by image and text linear "
        + "probes (against the majority class and the random encoder), VQA (against the majority answer and the question-only "
        + "prior), matching, retrieval and zero-shot (against chance)";
  }

  @Override
  public TrainConfig trainConfig(long seed, Long steps) {
    throw new IllegalArgumentException("the flava quickstart first pretrains the model it fine-tunes: run it with vlt "
        + "quickstart --system flava (or vlt train --model " + MODEL + " --task flava, then --pretrained that model --task "
        + "flava-multitask)");
  }

  /** Pretrains into {@code out/pretrain/train} (or reuses it), then returns the multi-task fine-tuning of that model. */
  @Override
  public TrainConfig prepare(Path out, long seed, Long steps, String data, Consumer<String> log) throws IOException {
    if (data != null) throw new IllegalArgumentException("--data: the flava quickstart trains only on ShapesWorld");
    long pretrainSteps = steps != null ? steps : PRETRAIN_STEPS;
    Path pretrained = Stage.trained(out.resolve(PRETRAIN_DIR).resolve("train"), settings(seed, pretrainSteps, "flava"),
        "1/2 pretraining on the five objectives (" + MODEL + ", " + pretrainSteps + " steps of " + BATCH + " scenes)", log);
    log.accept("  2/2 multi-task fine-tuning (ITC + ITM + VQA) from " + pretrained);
    return TrainConfig.fromJson(settings(seed, steps != null ? steps : FT_STEPS, "flava-multitask")
        .put("pretrained", pretrained.toAbsolutePath().toString()));
  }

  static ObjectNode settings(long seed, long n, String task) {
    return JSON.createObjectNode().put("model", MODEL).put("task", task).put("data", ShapesWorld.NAME).put("seed", seed)
        .put("shapes_objects", OBJECTS).put("crop_scale", 1.0).put("batch_size", BATCH).put("steps", n)
        .put("train_num_samples", BATCH * Math.max(1, n / 4)).put("lr", 1e-3).put("wd", 0.01)
        .put("warmup", Math.min(50, n / 10)).put("zeroshot_frequency", 0).put("log_every_n_steps", 50);
  }

  @Override
  public Evaluation evaluate(Path modelDir, Path out, long seed, Consumer<String> log) throws IOException {
    List<Figure> figures = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<String, Double> measures = new LinkedHashMap<>();
    HtmlReport html = new HtmlReport("vlt quickstart --system flava: " + description());
    html.section("how it was trained").paragraph("Stage 1, pretraining from random weights on FLAVA's five objectives ("
        + PRETRAIN_DIR + "/train); stage 2, multi-task fine-tuning (ITC + ITM + VQA) of that model (train). Every figure below "
        + "comes from the one stage-2 checkpoint. The masked-image targets are the model's own k-means codebook of 8-px patch "
        + "pixels (nn.PatchCodebook, fitted on the first batch), the declared substitute for FLAVA's DALL-E dVAE.");
    try (LoadedModel lm = Models.load(modelDir); NoGrad ng = NoGrad.open()) {
      lm.module().train(false);
      PreprocessConfig pre = lm.preprocess();
      ShapesWorld world = new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(pre.imageSize()).withObjects(1, OBJECTS));
      ModelInputs inputs = new ModelInputs(new EvalTransform(pre), lm::tokenizer, 64);
      Path stage1 = modelDir.toAbsolutePath().getParent().getParent().resolve(PRETRAIN_DIR).resolve("train").resolve(TrainRun.MODEL);
      probes(lm, Files.isDirectory(stage1) ? stage1 : null, inputs, seed, html, figures, notes, measures, log);
      ShapesVqa.evaluate(lm.require(Capability.QUESTION_ANSWERING), inputs, world, SCENES, OBJECTS, html, figures, notes, log);
      double itm = MeterQuickstart.matching(lm, inputs, world.samples(Split.VAL, 0, SCENES).toList());
      log.accept(String.format(Locale.ROOT, "  val matching accuracy %s (chance 50%%)", pct(itm)));
      figures.add(new Figure("val image-text matching accuracy", itm, "chance", 0.5));
      html.section("image-text matching").paragraph(String.format(Locale.ROOT, "Each of %d val scenes with its own first "
          + "caption and with the next scene's, through the multimodal encoder and the ITM head (P > 0.5 = match): %s "
          + "(chance 50%%).", SCENES, pct(itm)));
    }
    Evaluation embedding = ContrastiveQuickstart.suite(modelDir, out.resolve("embedding"), seed, log,
        "vlt quickstart --system flava: the checkpoint as an embedding model", List.of("shapes"), List.of("shapes"), true);
    figures.addAll(embedding.figures());
    notes.addAll(embedding.notes());
    html.section("cross-modal: retrieval, zero-shot, linear probe of the embedding").paragraph("vlt eval's suite on "
        + "ShapesWorld (one-object scenes): the image encoder's [CLS] through image_projection and the text encoder's through "
        + "text_projection. Its own report: embedding/report.html.");
    Path report = out.resolve("report.html");
    html.write(report);
    return new Evaluation(figures, notes, report, measures);
  }

  /** One probe: its name, the scenes it reads, what it reads of each, and its label. */
  private record Probe(String name, String baselineNote, List<ShapesSample> train, List<ShapesSample> test, boolean image,
      ToIntFunction<ShapesSample> label, List<String> classes) {}

  /**
   * The unimodal probes, each on the trained checkpoint's frozen encoder and on the same architecture at random weights (the
   * run's seed), both fitted by {@link LinearProbe} with the library's defaults; also on the pretrained (stage-1) model when
   * {@code stage1} is its folder, as a measure: what pretraining alone gave the encoders, before fine-tuning.
   */
  private static void probes(LoadedModel lm, Path stage1, ModelInputs inputs, long seed, HtmlReport html, List<Figure> figures,
      List<String> notes, Map<String, Double> measures, Consumer<String> log) throws IOException {
    int size = lm.config().imageSize();
    ShapesWorld single = new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(size).withObjects(1, 1));
    ShapesWorld pairs = new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(size).withObjects(2, 2));
    List<String> shapes = Arrays.stream(Shape.values()).map(Shape::word).toList();
    List<String> colours = Arrays.stream(Color.values()).map(Color::word).toList();
    List<ShapesSample> imageTrain = single.samples(Split.TRAIN, 0, PROBE_TRAIN).toList();
    List<ShapesSample> imageTest = single.samples(Split.VAL, 0, PROBE_TEST).toList();
    // two objects of different shapes: the caption names both, so only the order of its words tells which came first
    List<ShapesSample> textTrain = distinctShapes(pairs, Split.TRAIN, PROBE_TRAIN);
    List<ShapesSample> textTest = distinctShapes(pairs, Split.VAL, PROBE_TEST);
    List<Probe> probes = List.of(
        new Probe("image probe: shape", "image encoder [CLS], one-object scenes", imageTrain, imageTest, true,
            s -> s.scene().get(0).shape().ordinal(), shapes),
        new Probe("image probe: colour", "image encoder [CLS], one-object scenes", imageTrain, imageTest, true,
            s -> s.scene().get(0).color().ordinal(), colours),
        new Probe("text probe: shape named first", "text encoder [CLS] of the caption \"a small red circle and a large blue "
            + "square\"", textTrain, textTest, false, s -> s.scene().get(0).shape().ordinal(), shapes));
    Flava trained = lm.as(Flava.class);
    List<List<String>> rows = new ArrayList<>();
    try (LoadedModel random = Models.create(lm.config(), "random init", seed);
        LoadedModel first = stage1 == null ? null : Models.load(stage1)) {
      Flava untrained = random.as(Flava.class);
      untrained.train(false);
      Flava pretrained = first == null ? null : first.as(Flava.class);
      if (pretrained != null) pretrained.train(false);
      for (Probe p : probes) {
        ProbeMetrics mine = probe(trained, inputs, p);
        ProbeMetrics base = probe(untrained, inputs, p);
        double before = pretrained == null ? Double.NaN : probe(pretrained, inputs, p).testAccuracy();
        if (pretrained != null) measures.put(p.name() + ", pretrained (stage-1) encoder", before);
        double majority = ContrastiveQuickstart.majority(mine.confusion());
        String what = p.name() + " (" + p.classes().size() + " classes, " + p.test().size() + " held-out val scenes)";
        figures.add(new Figure(what, mine.testAccuracy(), "the same probe on the randomly initialised encoder",
            base.testAccuracy()));
        figures.add(new Figure(what + " against the majority class", mine.testAccuracy(), "majority class", majority));
        String stage = pretrained == null ? "not found" : pct(before);
        log.accept(String.format(Locale.ROOT, "  %s: %s (pretrained only %s, random encoder %s, majority %s)", p.name(),
            pct(mine.testAccuracy()), stage, pct(base.testAccuracy()), pct(majority)));
        rows.add(List.of(p.name(), p.baselineNote(), p.train().size() + " / " + p.test().size(), pct(mine.testAccuracy()), stage,
            pct(base.testAccuracy()), pct(majority)));
        notes.add(String.format(Locale.ROOT, "%s: fine-tuned checkpoint %s, pretrained (stage 1) %s, random encoder %s, majority %s",
            p.name(), pct(mine.testAccuracy()), stage, pct(base.testAccuracy()), pct(majority)));
      }
    }
    html.section("unimodal: linear probes of the frozen encoders").paragraph("Multinomial logistic regression (the CLIP "
        + "paper's linear probe, L2 strength chosen on a held-out fifth of the training scenes) on each encoder's [CLS] after "
        + "its final LayerNorm, fitted on training-split scenes and scored on fresh val-split scenes, for the evaluated "
        + "(fine-tuned) checkpoint and, beside it, the stage-1 model it was fine-tuned from. Baselines: the same probe on the "
        + "same architecture at random weights, and the most frequent class.")
        .table("linear probes", List.of("probe", "features", "train / test", "fine-tuned (evaluated)", "pretrained only",
            "random encoder", "majority class"), rows);
  }

  /** The first {@code n} two-object scenes of {@code split} whose objects differ in shape. */
  private static List<ShapesSample> distinctShapes(ShapesWorld world, Split split, int n) {
    List<ShapesSample> out = new ArrayList<>(n);
    for (long i = 0; out.size() < n; i++) {
      ShapesSample s = world.sample(split, i);
      if (s.scene().get(0).shape() != s.scene().get(1).shape()) out.add(s);
    }
    return out;
  }

  private static ProbeMetrics probe(Flava model, ModelInputs inputs, Probe p) {
    Labeled train = new Labeled(features(model, inputs, p.train(), p.image()), labels(p.train(), p.label()));
    Labeled test = new Labeled(features(model, inputs, p.test(), p.image()), labels(p.test(), p.label()));
    return LinearProbe.evaluate(train, test, p.classes(), LinearProbe.Config.DEFAULT);
  }

  private static int[] labels(List<ShapesSample> scenes, ToIntFunction<ShapesSample> label) {
    return scenes.stream().mapToInt(label).toArray();
  }

  /** The image encoder's [CLS] of each scene's image, or the text encoder's of its first caption: [N, H]. */
  private static float[][] features(Flava model, ModelInputs inputs, List<ShapesSample> scenes, boolean image) {
    float[][] out = new float[scenes.size()][];
    Function<ShapesSample, Raster8> raster = MeterQuickstart::raster;
    for (int from = 0; from < scenes.size(); from += inputs.batchSize()) {
      List<ShapesSample> chunk = scenes.subList(from, Math.min(scenes.size(), from + inputs.batchSize()));
      try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope(); NoGrad ng = NoGrad.open()) {
        var encoded = image ? model.image(inputs.pixels(m, chunk.stream().map(raster).toList()), null)
            : model.text(inputs.ids(m, chunk.stream().map(ShapesSample::caption).toList()));
        ModelInputs.copyRows(encoded.lastHiddenState().get(new NDIndex(":, 0")), out, from);
      }
    }
    return out;
  }
}
