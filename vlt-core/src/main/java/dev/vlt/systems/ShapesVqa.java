package dev.vlt.systems;

import static dev.vlt.systems.Quickstart.pct;

import dev.vlt.data.image.Raster8;
import dev.vlt.data.shapes.QuestionAnswer;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.Split;
import dev.vlt.eval.VqaAccuracy;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.QuestionAnswering;
import dev.vlt.report.HtmlReport;
import dev.vlt.systems.QuickstartSystem.Figure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The VQA evaluation of the ShapesWorld quickstarts (METER, VLC, BEiT-3, FLAVA): every question of the first scenes of val
 * (fresh scenes of the colour×shape combinations training shows) and test (held-out combinations), accuracy per question
 * type against two blind baselines: the majority training answer (overall and per type) and the question-only prior
 * (each exact question's most frequent training answer: what a model that never looks at the image reaches). Adds
 * figures, notes and a report section.
 */
final class ShapesVqa {
  private ShapesVqa() {}

  /** Evaluates {@code model} on {@code scenes} scenes per split of {@code world} (1 to {@code objects} objects). */
  static void evaluate(QuestionAnswering model, ModelInputs inputs, ShapesWorld world, int scenes, int objects, HtmlReport html,
      List<Figure> figures, List<String> notes, Consumer<String> log) {
    Map<String, List<String>> trainAnswers = trainingAnswers(world);
    Map<String, List<String>> byQuestion = trainingAnswersByQuestion(world);
    List<List<String>> rows = new ArrayList<>();
    for (Split split : List.of(Split.VAL, Split.TEST)) {
      List<ShapesSample> asked = world.samples(split, 0, scenes).toList();
      VqaAccuracy a = vqa(model, inputs, asked, trainAnswers);
      VqaAccuracy q = questionPrior(asked, byQuestion, trainAnswers);
      String prefix = split == Split.VAL ? "val VQA" : "test VQA";
      figures.add(new Figure(split == Split.VAL ? "val VQA accuracy" : "test VQA accuracy (held-out combinations)",
          a.accuracy(VqaAccuracy.ALL), "majority answer", a.majorityAccuracy(VqaAccuracy.ALL)));
      notes.add(String.format(Locale.ROOT, "%s: %d questions over %d scenes (%s)", split.word(), a.total().get(VqaAccuracy.ALL),
          scenes, split == Split.VAL ? "fresh scenes of the combinations training shows" : "scenes of held-out colour×shape "
          + "combinations, never seen in training"));
      StringBuilder prior = new StringBuilder(split.word() + " question-only prior (blind):");
      for (String t : a.types()) {
        rows.add(List.of(split.word(), word(t), String.valueOf(a.total().get(t)), pct(a.accuracy(t)),
            pct(a.majorityAccuracy(t)), pct(q.accuracy(t))));
        log.accept(String.format(Locale.ROOT, "  %s %s: %s (majority %s, question-only prior %s) of %d", split.word(), word(t),
            pct(a.accuracy(t)), pct(a.majorityAccuracy(t)), pct(q.accuracy(t)), a.total().get(t)));
        prior.append(' ').append(word(t)).append(' ').append(pct(q.accuracy(t)));
        if (QuestionAnswer.TYPES.contains(t)) {
          figures.add(new Figure(prefix + " " + word(t) + " questions", a.accuracy(t), "majority " + word(t) + " answer",
              a.majorityAccuracy(t)));
        }
      }
      notes.add(prior.toString());
    }
    html.section("visual question answering").paragraph("Every question of the first " + scenes + " scenes of each split "
        + "(1-" + objects + " objects). val: fresh scenes of the colour×shape combinations training shows; test: scenes of "
        + "the " + world.combos(Split.TEST).size() + " held-out combinations, never seen. Baselines: the most frequent "
        + "answer of 2,000 training scenes' questions (\"" + VqaAccuracy.mostFrequent(all(trainAnswers)) + "\" overall, and "
        + "per type that type's most frequent answer), and a stronger blind one: each question answered with the most "
        + "frequent training answer of that exact question (\"what shape is the red one?\" → the shape red most often has "
        + "in training), what a model that never looks at the image can reach.")
        .table("accuracy by question type", List.of("split", "type", "questions", "accuracy", "majority answer",
            "question-only prior"), rows);
  }

  /** A question type as the reports name it: ShapesWorld's {@code color} is written "colour", like the rest of the prose. */
  static String word(String type) {
    return type.equals(QuestionAnswer.COLOR) ? "colour" : type;
  }

  /** Every question of {@code scenes}, answered, scored per type. */
  static VqaAccuracy vqa(QuestionAnswering model, ModelInputs inputs, List<ShapesSample> scenes,
      Map<String, List<String>> trainAnswers) {
    List<Raster8> images = new ArrayList<>();
    List<String> questions = new ArrayList<>();
    List<String> truth = new ArrayList<>();
    List<String> types = new ArrayList<>();
    for (ShapesSample s : scenes) {
      Raster8 image = MeterQuickstart.raster(s);
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

  /** Each question answered with the most frequent training answer of the same question text (else the overall one). */
  static VqaAccuracy questionPrior(List<ShapesSample> scenes, Map<String, List<String>> byQuestion,
      Map<String, List<String>> trainAnswers) {
    String overall = VqaAccuracy.mostFrequent(all(trainAnswers));
    Map<String, String> prior = new LinkedHashMap<>();
    byQuestion.forEach((q, answers) -> prior.put(q, VqaAccuracy.mostFrequent(answers)));
    List<String> types = new ArrayList<>();
    List<String> truth = new ArrayList<>();
    List<String> guessed = new ArrayList<>();
    for (ShapesSample s : scenes) {
      for (QuestionAnswer q : s.questions()) {
        types.add(q.type());
        truth.add(q.answer());
        guessed.add(prior.getOrDefault(q.question(), overall));
      }
    }
    return VqaAccuracy.score(types, truth, guessed, trainAnswers);
  }

  /** The answers of the first 2,000 training scenes' questions, by question text. */
  static Map<String, List<String>> trainingAnswersByQuestion(ShapesWorld world) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    world.samples(Split.TRAIN, 0, 2000).forEach(s -> s.questions()
        .forEach(q -> out.computeIfAbsent(q.question(), k -> new ArrayList<>()).add(q.answer())));
    return out;
  }

  /** The answers of the first 2,000 training scenes' questions, by type: the majority baselines. */
  static Map<String, List<String>> trainingAnswers(ShapesWorld world) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    world.samples(Split.TRAIN, 0, 2000).forEach(s -> s.questions()
        .forEach(q -> out.computeIfAbsent(q.type(), k -> new ArrayList<>()).add(q.answer())));
    return out;
  }

  static List<String> all(Map<String, List<String>> byType) {
    List<String> out = new ArrayList<>();
    byType.values().forEach(out::addAll);
    return out;
  }
}
