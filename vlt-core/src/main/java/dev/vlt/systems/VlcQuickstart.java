package dev.vlt.systems;

import static dev.vlt.systems.Quickstart.pct;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.image.Raster8;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.Capability;
import dev.vlt.models.ImageTextMatching;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.report.HtmlReport;
import dev.vlt.tensor.NoGrad;
import dev.vlt.train.TrainConfig;
import dev.vlt.train.TrainRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * VLC's quickstart: first the MAE quickstart's run (mae-small on the training emoji, images only; its settings through
 * {@link Stage}, at {@link #MAE_STEPS} steps), then vlc-shapes-small started from that MAE's encoder
 * ({@code init_from}) and trained on ShapesWorld scenes of one or two objects with VLC's objectives (60 % of the patches
 * dropped in MLM, ITM and MIM) and a VQA head trained jointly on two questions of each scene per step
 * with every patch visible. Evaluated as
 * METER's quickstart (VQA accuracy per question type on fresh and on never-seen scenes against the majority answer and the
 * question-only prior, matching on val) and by image-text retrieval through the ITM head over held-out scenes.
 */
public final class VlcQuickstart implements QuickstartSystem {
  static final String MODEL = "vlc-shapes-small";
  /** The MAE stage: the mae quickstart's settings at half its 800 steps, so both stages fit the 10 minutes. */
  static final long MAE_STEPS = 400;
  static final int STEPS = 400;
  static final int BATCH = 24;
  static final int OBJECTS = 2;
  /** Scenes per split whose every question is asked. */
  static final int SCENES = 300;
  /** Val scenes of the retrieval gallery: every caption scored against every image, N² joint passes. */
  static final int RETRIEVAL = 64;
  static final String MAE_DIR = "mae";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "vlc";
  }

  @Override
  public String description() {
    return "VLC (vlc-shapes-small: one transformer over text tokens and patches, started from the mae quickstart's MAE) "
        + "trained on ShapesWorld captions (MLM, ITM, MIM with 60 % of the patches dropped) and questions (a VQA head trained "
        + "jointly); VQA accuracy per question type against the majority answer, matching and ITM retrieval";
  }

  @Override
  public TrainConfig trainConfig(long seed, Long steps) {
    throw new IllegalArgumentException("the vlc quickstart first trains the MAE it starts from: run it with vlt quickstart "
        + "--system vlc (or vlt train --model " + MODEL + " --init-from MAE_FOLDER --data shapes)");
  }

  /** Trains the MAE into {@code out/mae/train} (or reuses it), then returns VLC's run started from it. */
  @Override
  public TrainConfig prepare(Path out, long seed, Long steps, String data, Consumer<String> log) throws IOException {
    if (data != null) throw new IllegalArgumentException("--data: the vlc quickstart trains only on ShapesWorld");
    Path maeRun = out.resolve(MAE_DIR).resolve("train");
    Path mae = Stage.trained(maeRun, MaeQuickstart.settings(seed, MAE_STEPS), "0/2 the MAE (" + MaeQuickstart.MODEL + ", "
        + MAE_STEPS + " steps of " + MaeQuickstart.BATCH + " training emoji, images only)", log);
    return vlcConfig(seed, steps != null ? steps : STEPS, mae);
  }

  /** VLC's run on ShapesWorld, its transformer started from the MAE folder {@code mae} (null: random initialisation). */
  static TrainConfig vlcConfig(long seed, long n, Path mae) {
    ObjectNode c = JSON.createObjectNode().put("model", MODEL).put("task", "vlc").put("data", ShapesWorld.NAME)
        .put("seed", seed).put("shapes_objects", OBJECTS).put("crop_scale", 1.0).put("batch_size", BATCH).put("steps", n)
        .put("train_num_samples", BATCH * Math.max(1, n / 4)).put("lr", 1e-3).put("wd", 0.01)
        .put("warmup", Math.min(50, n / 10)).put("zeroshot_frequency", 0).put("log_every_n_steps", 50);
    if (mae != null) c.put("init_from", mae.toAbsolutePath().toString());
    return TrainConfig.fromJson(c);
  }

  @Override
  public Evaluation evaluate(Path modelDir, Path out, long seed, Consumer<String> log) throws IOException {
    try (LoadedModel lm = Models.load(modelDir); NoGrad ng = NoGrad.open()) {
      lm.module().train(false);
      PreprocessConfig pre = lm.preprocess();
      ShapesWorld world = new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(pre.imageSize()).withObjects(1, OBJECTS));
      ModelInputs inputs = new ModelInputs(new EvalTransform(pre), lm::tokenizer, 64);
      HtmlReport html = new HtmlReport("vlt quickstart --system vlc: " + description());
      html.section("how it was trained").paragraph(startedFrom(modelDir));
      List<Figure> figures = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      ShapesVqa.evaluate(lm.require(Capability.QUESTION_ANSWERING), inputs, world, SCENES, OBJECTS, html, figures, notes, log);
      double itm = MeterQuickstart.matching(lm, inputs, world.samples(Split.VAL, 0, SCENES).toList());
      log.accept(String.format(Locale.ROOT, "  val matching accuracy %s (chance 50%%)", pct(itm)));
      figures.add(new Figure("val image-text matching accuracy", itm, "chance", 0.5));
      MatchingRetrieval.Retrieved r = MatchingRetrieval.of(lm.require(Capability.IMAGE_TEXT_MATCHING), inputs,
          world.samples(Split.VAL, 0, RETRIEVAL).toList());
      log.accept(String.format(Locale.ROOT, "  val ITM retrieval over %d scenes: text->image R@1 %s R@5 %s, image->text R@1 %s "
          + "R@5 %s (chance R@1 %s, R@5 %s)", RETRIEVAL, pct(r.t2i1()), pct(r.t2i5()), pct(r.i2t1()), pct(r.i2t5()),
          pct(r.chance1()), pct(r.chance5())));
      figures.add(new Figure("val text->image R@1 (ITM, " + RETRIEVAL + " scenes)", r.t2i1(), "chance", r.chance1()));
      figures.add(new Figure("val image->text R@1 (ITM, " + RETRIEVAL + " scenes)", r.i2t1(), "chance", r.chance1()));
      figures.add(new Figure("val text->image R@5 (ITM, " + RETRIEVAL + " scenes)", r.t2i5(), "chance", r.chance5()));
      html.section("image-text matching and retrieval").paragraph(String.format(Locale.ROOT, "Matching: each of %d val "
          + "scenes with its own first caption and the next scene's; right when P(match) > 0.5 exactly for its own: %s (chance "
          + "50%%). Retrieval: the first caption of each of %d val scenes scored by the ITM head against every one of their "
          + "images (%d joint passes), and each image against every caption. A hit is a retrieved item whose caption is the "
          + "query's (ShapesWorld repeats captions, so a scene's twin counts); chance is that share among the candidates. "
          + "text→image R@1 %s, R@5 %s; image→text R@1 %s, R@5 %s; chance R@1 %s, R@5 %s.", SCENES, pct(itm), RETRIEVAL,
          RETRIEVAL * RETRIEVAL, pct(r.t2i1()), pct(r.t2i5()), pct(r.i2t1()), pct(r.i2t5()), pct(r.chance1()), pct(r.chance5())));
      Path report = out.resolve("report.html");
      html.write(report);
      return new Evaluation(figures, notes, report);
    }
  }

  /** Where the run's transformer started, from its recorded config. */
  private static String startedFrom(Path modelDir) throws IOException {
    Path config = modelDir.toAbsolutePath().getParent().resolve(TrainRun.CONFIG);
    if (!config.toFile().isFile()) return "No run config beside the model folder.";
    var initFrom = JSON.readTree(config.toFile()).get("init_from");
    return initFrom == null || initFrom.isNull() ? "The transformer started from random weights (no init_from)."
        : "The transformer started as the encoder of the MAE in " + initFrom.asText() + ".";
  }
}
