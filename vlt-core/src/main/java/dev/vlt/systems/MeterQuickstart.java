package dev.vlt.systems;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.image.Raster8;
import dev.vlt.data.shapes.QuestionAnswer;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.eval.VqaAccuracy;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.QuestionAnswering;
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
 * captions, VQA classification on the scenes' questions), the fusion and heads at 5× the towers' learning rate as METER
 * trains them. Evaluated on fresh scenes (val: colour×shape combinations seen in training) and on scenes of held-out
 * combinations (test): VQA accuracy per question type against the majority answer, and matching accuracy of each scene
 * with its own caption and with another scene's, against chance.
 */
public final class MeterQuickstart implements QuickstartSystem {
  static final String MODEL = "meter-shapes-small";
  static final int STEPS = 600;
  static final int BATCH = 48;
  static final int OBJECTS = 2;
  /** Scenes per split evaluated; every question of each scene is asked. */
  static final int SCENES = 300;
  static final Map<String, Double> LR_MULT = Map.of("cross_modal", 5.0, "itm_score", 5.0, "vqa_classifier", 5.0,
      "mlm_score", 5.0);

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
        .put("train_num_samples", BATCH * Math.max(1, n / 4)).put("lr", 3e-4).put("wd", 0.01)
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
      Map<String, List<String>> trainAnswers = trainingAnswers(world);
      HtmlReport html = new HtmlReport("vlt quickstart --system meter: " + description());
      html.section("visual question answering").paragraph("Every question of the first " + SCENES + " scenes of each split "
          + "(1-" + OBJECTS + " objects). val: fresh scenes of the colour×shape combinations training shows; test: scenes of the "
          + world.combos(Split.TEST).size() + " held-out combinations, never seen. Baselines: the most frequent answer of "
          + "2,000 training scenes' questions for every question (\"" + VqaAccuracy.mostFrequent(all(trainAnswers)) + "\"), and "
          + "per type that type's most frequent training answer.");
      Map<Split, VqaAccuracy> acc = new LinkedHashMap<>();
      List<List<String>> rows = new ArrayList<>();
      for (Split split : List.of(Split.VAL, Split.TEST)) {
        VqaAccuracy a = vqa(lm.require(Capability.QUESTION_ANSWERING), inputs, world.samples(split, 0, SCENES).toList(), trainAnswers);
        acc.put(split, a);
        for (String t : a.types()) {
          rows.add(List.of(split.word(), t, String.valueOf(a.total().get(t)), pct(a.accuracy(t)), pct(a.majorityAccuracy(t))));
          log.accept(String.format(Locale.ROOT, "  %s %s: %s (majority %s) of %d", split.word(), t, pct(a.accuracy(t)),
              pct(a.majorityAccuracy(t)), a.total().get(t)));
        }
      }
      html.table("accuracy by question type", List.of("split", "type", "questions", "accuracy", "majority answer"), rows);
      double itm = matching(lm, inputs, world.samples(Split.VAL, 0, SCENES).toList());
      log.accept(String.format(Locale.ROOT, "  val matching accuracy %s (chance 50%%)", pct(itm)));
      html.section("image-text matching").paragraph(String.format(Locale.ROOT, "Each of %d val scenes with its own first caption "
          + "and with the next scene's (when they differ): a pair counts as right when P(match) is above 0.5 exactly for its "
          + "own caption. Accuracy %s; chance 50%%.", SCENES, pct(itm)));
      Path report = out.resolve("report.html");
      html.write(report);
      VqaAccuracy val = acc.get(Split.VAL);
      VqaAccuracy test = acc.get(Split.TEST);
      List<Figure> figures = List.of(
          new Figure("val VQA accuracy", val.accuracy(VqaAccuracy.ALL), "majority answer", val.majorityAccuracy(VqaAccuracy.ALL)),
          new Figure("val VQA colour questions", val.accuracy(QuestionAnswer.COLOR), "majority colour answer",
              val.majorityAccuracy(QuestionAnswer.COLOR)),
          new Figure("val VQA shape questions", val.accuracy(QuestionAnswer.SHAPE), "majority shape answer",
              val.majorityAccuracy(QuestionAnswer.SHAPE)),
          new Figure("test VQA accuracy (held-out combinations)", test.accuracy(VqaAccuracy.ALL), "majority answer",
              test.majorityAccuracy(VqaAccuracy.ALL)),
          new Figure("test VQA colour questions", test.accuracy(QuestionAnswer.COLOR), "majority colour answer",
              test.majorityAccuracy(QuestionAnswer.COLOR)),
          new Figure("test VQA shape questions", test.accuracy(QuestionAnswer.SHAPE), "majority shape answer",
              test.majorityAccuracy(QuestionAnswer.SHAPE)),
          new Figure("val image-text matching accuracy", itm, "chance", 0.5));
      List<String> notes = new ArrayList<>();
      for (Split split : List.of(Split.VAL, Split.TEST)) {
        VqaAccuracy a = acc.get(split);
        for (String t : a.types()) {
          if (t.equals(VqaAccuracy.ALL) || t.equals(QuestionAnswer.COLOR) || t.equals(QuestionAnswer.SHAPE)) continue;
          notes.add(String.format(Locale.ROOT, "%s %s questions: %s (majority %s, %d questions)", split.word(), t,
              pct(a.accuracy(t)), pct(a.majorityAccuracy(t)), a.total().get(t)));
        }
      }
      return new Evaluation(figures, notes, report);
    }
  }

  /** Every question of {@code scenes}, answered, scored per type. */
  static VqaAccuracy vqa(QuestionAnswering model, ModelInputs inputs, List<ShapesSample> scenes,
      Map<String, List<String>> trainAnswers) {
    List<Raster8> images = new ArrayList<>();
    List<String> questions = new ArrayList<>();
    List<String> truth = new ArrayList<>();
    List<String> types = new ArrayList<>();
    for (ShapesSample s : scenes) {
      Raster8 image = raster(s);
      for (QuestionAnswer q : s.questions()) {
        images.add(image);
        questions.add(q.question());
        truth.add(q.answer());
        types.add(q.type());
      }
    }
    List<String> predicted = inputs.answer(model, images, questions).stream().map(QuestionAnswering.Answer::text).toList();
    return VqaAccuracy.score(types, truth, predicted, trainAnswers);
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

  /** The answers of the first 2,000 training scenes' questions, by type: the majority baselines. */
  static Map<String, List<String>> trainingAnswers(ShapesWorld world) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    world.samples(Split.TRAIN, 0, 2000).forEach(s -> s.questions()
        .forEach(q -> out.computeIfAbsent(q.type(), k -> new ArrayList<>()).add(q.answer())));
    return out;
  }

  private static List<String> all(Map<String, List<String>> byType) {
    List<String> out = new ArrayList<>();
    byType.values().forEach(out::addAll);
    return out;
  }

  static Raster8 raster(ShapesSample s) {
    return new Raster8(s.imageSize(), s.imageSize(), 3, s.rgbBytes());
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }
}
