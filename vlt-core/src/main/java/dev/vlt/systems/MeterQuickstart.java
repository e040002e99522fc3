package dev.vlt.systems;

import static dev.vlt.systems.Quickstart.pct;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.analysis.InterModalityFlow;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.image.Raster8;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.meter.Meter;
import dev.vlt.report.HtmlReport;
import dev.vlt.tensor.NoGrad;
import dev.vlt.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * METER's quickstart: meter-shapes-small (ViT and BERT towers, co-attention fusion) trained from scratch on ShapesWorld
 * scenes of one or two objects with METER's objectives at once (masked language modeling and image-text matching on the
 * captions, VQA classification on every question of each scene), the fusion and heads at a higher learning rate than
 * the towers as METER trains them (1.5× here: METER's 5× is for pretrained towers, which should move little; towers
 * trained from scratch get the 1e-3 of CLIP's quickstart, and at 3.5e-3 the post-norm fusion layers did not learn
 * matching). Shape questions stay near the question-only prior at this budget: the model barely perceives shape.
 * Evaluated on fresh scenes (val: colour×shape combinations seen in training) and on scenes of
 * held-out combinations (test): VQA accuracy per question type against the majority answer (and beside it the
 * question-only prior, the most frequent training answer of each exact question), matching accuracy of each scene with
 * its own caption and with another scene's against chance, and the inter-modality flow per fusion layer.
 */
public final class MeterQuickstart implements QuickstartSystem {
  static final String MODEL = "meter-shapes-small";
  static final int STEPS = 600;
  /** Scenes per step; each brings its 7-10 questions to the VQA term (about 200 questions a step). */
  static final int BATCH = 24;
  static final int OBJECTS = 2;
  /** Scenes per split evaluated; every question of each scene is asked. */
  static final int SCENES = 300;
  /** Val scenes (with their first caption) over which the inter-modality flow is measured. */
  static final int FLOW_PAIRS = 200;
  /** Val scenes ranked against each other's captions by the matching score (every pair through the fusion). */
  static final int RETRIEVAL = 64;
  static final Map<String, Double> LR_MULT = Map.of("cross_modal", 1.5, "itm_score", 1.5, "vqa_classifier", 1.5,
      "mlm_score", 1.5);

  @Override
  public String name() {
    return "meter";
  }

  @Override
  public String description() {
    return "METER (meter-shapes-small: ViT + BERT towers, co-attention fusion) trained from scratch on ShapesWorld with MLM, "
        + "ITM and VQA; VQA accuracy per question type against the majority answer, and image-text matching";
  }

  @Override
  public TrainConfig trainConfig(long seed, Long steps) {
    long n = steps != null ? steps : STEPS;
    ObjectNode c = new ObjectMapper().createObjectNode().put("model", MODEL).put("data", ShapesWorld.NAME).put("seed", seed)
        .put("shapes_objects", OBJECTS).put("crop_scale", 1.0).put("batch_size", BATCH).put("steps", n)
        .put("train_num_samples", BATCH * Math.max(1, n / 4)).put("lr", 1e-3).put("wd", 0.01)
        .put("warmup", Math.min(60, n / 10)).put("zeroshot_frequency", 0);
    LR_MULT.forEach(c.putObject("lr_mult")::put);
    return TrainConfig.fromJson(c);
  }

  @Override
  public Evaluation evaluate(Path modelDir, Path out, long seed, Consumer<String> log) throws IOException {
    try (LoadedModel lm = Models.load(modelDir); NoGrad ng = NoGrad.open()) {
      lm.module().train(false);
      PreprocessConfig pre = lm.preprocess();
      ShapesWorld world = new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(pre.imageSize()).withObjects(1, OBJECTS));
      ModelInputs inputs = new ModelInputs(new EvalTransform(pre), lm::tokenizer, 64);
      HtmlReport html = new HtmlReport("vlt quickstart --system meter: " + description());
      List<Figure> figures = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      ShapesVqa.evaluate(lm.require(Capability.QUESTION_ANSWERING), inputs, world, SCENES, OBJECTS, html, figures, notes, log);
      double itm = matching(lm, inputs, world.samples(Split.VAL, 0, SCENES).toList());
      log.accept(String.format(Locale.ROOT, "  val matching accuracy %s (chance 50%%)", pct(itm)));
      MatchingRetrieval.Retrieved r = MatchingRetrieval.of(lm.require(Capability.IMAGE_TEXT_MATCHING), inputs,
          world.samples(Split.VAL, 0, RETRIEVAL).toList());
      log.accept(String.format(Locale.ROOT, "  val retrieval by matching score among %d scenes: text→image R@1 %s R@5 %s, "
          + "image→text R@1 %s (chance R@1 %s, R@5 %s)", RETRIEVAL, pct(r.t2i1()), pct(r.t2i5()), pct(r.i2t1()),
          pct(r.chance1()), pct(r.chance5())));
      html.section("image-text matching").paragraph(String.format(Locale.ROOT, "Each of %d val scenes with its own first caption "
          + "and with the next scene's (when they differ): a pair counts as right when P(match) is above 0.5 exactly for its "
          + "own caption. Accuracy %s; chance 50%%.", SCENES, pct(itm)))
          .paragraph(String.format(Locale.ROOT, "Retrieval by the matching score: each of %d val scenes against the first caption "
          + "of every one of them (%d pairs through the fusion). Text→image R@1: the top-scored image for a caption is one "
          + "whose own caption it is (scenes with identical captions count alike); image→text likewise. %s and %s; chance %s "
          + "(the mean share of scenes that carry the query's caption).", RETRIEVAL, RETRIEVAL * RETRIEVAL,
          pct(r.t2i1()), pct(r.i2t1()), pct(r.chance1())));
      List<Raster8> flowImages = new ArrayList<>();
      List<String> flowTexts = new ArrayList<>();
      world.samples(Split.VAL, 0, FLOW_PAIRS).forEach(s -> {
        flowImages.add(raster(s));
        flowTexts.add(s.caption());
      });
      Meter meter = lm.as(Meter.class);
      List<InterModalityFlow.Layer> flow = InterModalityFlow.measure(meter, inputs, flowImages, flowTexts, 64);
      Map<String, Double> measures = flowMeasures(flow);
      List<List<String>> flowRows = new ArrayList<>();
      for (InterModalityFlow.Layer l : flow) {
        flowRows.add(List.of(Integer.toString(l.index()), num(l.imf()), num(l.imfUniform()), num(l.shareText()),
            num(l.shareImage()), num(l.share())));
      }
      html.section("inter-modality flow").paragraph("Per fusion layer (" + meter.config().fusion().word() + "), on " + FLOW_PAIRS
          + " val scenes with their first caption: IMF (visual parsing; merged attention only) = the share of the attention "
          + "mass among non-special tokens that crosses modalities, beside the value attention spread evenly over every "
          + "visible key would give; share = the cross-modal part of the attention's update, ‖from the other modality‖ / "
          + "(‖from its own‖ + ‖from the other‖), for text queries, image queries and both (see vlt analyze).")
          .table("inter-modality flow per fusion layer", List.of("layer", "IMF", "IMF uniform", "share text", "share image",
              "share"), flowRows);
      log.accept("  inter-modality flow per layer: " + measures);
      Path report = out.resolve("report.html");
      html.write(report);
      figures.add(new Figure("val image-text matching accuracy", itm, "chance", 0.5));
      figures.add(new Figure("val text->image R@1 (ITM, " + RETRIEVAL + " scenes)", r.t2i1(), "chance", r.chance1()));
      figures.add(new Figure("val image->text R@1 (ITM, " + RETRIEVAL + " scenes)", r.i2t1(), "chance", r.chance1()));
      figures.add(new Figure("val text->image R@5 (ITM, " + RETRIEVAL + " scenes)", r.t2i5(), "chance", r.chance5()));
      return new Evaluation(figures, notes, report, measures);
    }
  }

  /**
   * The flow figures by name: per fusion layer the IMF and once the IMF of attention spread evenly (the same for every
   * layer: it depends only on which keys are visible), both for merged attention only, and the cross-modal update share
   * of every kind. A figure not defined for the fusion kind is left out.
   */
  static Map<String, Double> flowMeasures(List<InterModalityFlow.Layer> flow) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (InterModalityFlow.Layer l : flow) out.put("IMF layer " + l.index(), l.imf());
    if (!flow.isEmpty()) out.put("IMF uniform", flow.get(0).imfUniform());
    for (InterModalityFlow.Layer l : flow) out.put("cross-modal share layer " + l.index(), l.share());
    out.values().removeIf(v -> Double.isNaN(v));
    return out;
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }

  /** Matching accuracy: each scene against its own first caption (should match) and the next scene's (should not). */
  static double matching(LoadedModel lm, ModelInputs inputs, List<ShapesSample> scenes) {
    List<Raster8> images = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    List<Boolean> match = new ArrayList<>();
    for (int i = 0; i < scenes.size(); i++) {
      Raster8 image = raster(scenes.get(i));
      String other = scenes.get((i + 1) % scenes.size()).caption();
      images.add(image);
      texts.add(scenes.get(i).caption());
      match.add(true);
      if (!other.equals(scenes.get(i).caption())) {
        images.add(image);
        texts.add(other);
        match.add(false);
      }
    }
    float[] p = inputs.match(lm.require(Capability.IMAGE_TEXT_MATCHING), images, texts);
    int right = 0;
    for (int i = 0; i < p.length; i++) if (p[i] > 0.5 == match.get(i)) right++;
    return (double) right / p.length;
  }

  static Raster8 raster(ShapesSample s) {
    return new Raster8(s.imageSize(), s.imageSize(), 3, s.rgbBytes());
  }
}
