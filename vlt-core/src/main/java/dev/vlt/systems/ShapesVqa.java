package dev.vlt.systems;

import static dev.vlt.systems.Quickstart.pct;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The VQA evaluation of the quickstarts that answer with a classifier (VLC, BEiT-3, FLAVA): every question of the first scenes of val (fresh
 * scenes of the colour×shape combinations training shows) and test (held-out combinations), accuracy per question type
 * against the majority training answer and the question-only prior (METER's baselines), as figures, notes and a report
 * section.
 */
final class ShapesVqa {
  private ShapesVqa() {}

  /** Evaluates {@code model} on {@code scenes} scenes per split of {@code world} (1 to {@code objects} objects). */
  static void evaluate(QuestionAnswering model, ModelInputs inputs, ShapesWorld world, int scenes, int objects, HtmlReport html,
      List<Figure> figures, List<String> notes, Consumer<String> log) {
    Map<String, List<String>> trainAnswers = MeterQuickstart.trainingAnswers(world);
    Map<String, List<String>> byQuestion = MeterQuickstart.trainingAnswersByQuestion(world);
    List<List<String>> rows = new ArrayList<>();
    for (Split split : List.of(Split.VAL, Split.TEST)) {
      List<ShapesSample> asked = world.samples(split, 0, scenes).toList();
      VqaAccuracy a = MeterQuickstart.vqa(model, inputs, asked, trainAnswers);
      VqaAccuracy q = MeterQuickstart.questionPrior(asked, byQuestion, trainAnswers);
      String prefix = split == Split.VAL ? "val VQA" : "test VQA";
      figures.add(new Figure(split == Split.VAL ? "val VQA accuracy" : "test VQA accuracy (held-out combinations)",
          a.accuracy(VqaAccuracy.ALL), "majority answer", a.majorityAccuracy(VqaAccuracy.ALL)));
      StringBuilder prior = new StringBuilder(split.word() + " question-only prior (blind):");
      for (String t : a.types()) {
        rows.add(List.of(split.word(), t, String.valueOf(a.total().get(t)), pct(a.accuracy(t)), pct(a.majorityAccuracy(t)),
            pct(q.accuracy(t))));
        log.accept(String.format(Locale.ROOT, "  %s %s: %s (majority %s, question-only prior %s) of %d", split.word(), t,
            pct(a.accuracy(t)), pct(a.majorityAccuracy(t)), pct(q.accuracy(t)), a.total().get(t)));
        prior.append(' ').append(t).append(' ').append(pct(q.accuracy(t)));
        if (QuestionAnswer.TYPES.contains(t)) {
          figures.add(new Figure(prefix + " " + t + " questions", a.accuracy(t), "majority " + t + " answer",
              a.majorityAccuracy(t)));
        }
      }
      notes.add(prior.toString());
    }
    html.section("visual question answering").paragraph("Every question of the first " + scenes + " scenes of each split "
        + "(1-" + objects + " objects), every patch visible. val: fresh scenes of the colour×shape combinations training "
        + "shows; test: scenes of held-out combinations. Baselines as METER's quickstart: per type the most frequent "
        + "training answer, and the question-only prior (each exact question's most frequent training answer).")
        .table("accuracy by question type", List.of("split", "type", "questions", "accuracy", "majority answer",
            "question-only prior"), rows);
  }
}
