package dev.vlt.cli;

import dev.vlt.models.Capability;
import dev.vlt.models.QuestionAnswering;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vlt vqa}: answers a question about each image with a model that answers questions. */
@Command(name = "vqa", mixinStandardHelpOptions = true,
    description = {"Answer QUESTION about each IMAGE with a visual question answering model (METER, ALBEF-VQA):",
        "one JSON line {\"image\", \"question\", \"answer\", \"score\"} per pair, in input order; score is the model's",
        "probability of its answer. --queries FILE answers many pairs: JSON lines {\"image\": PATH, \"question\": ...}."})
public final class VqaCommand implements Callable<Integer> {
  @Option(names = "--question", paramLabel = "Q", description = "The question to ask of every IMAGE.")
  String question;

  @Mixin PairOptions pairs;

  @Override
  public Integer call() throws IOException {
    return pairs.run(Capability.QUESTION_ANSWERING, question, "--question", "question", (vqa, inputs, loaded) -> {
      List<QuestionAnswering.Answer> answers = inputs.answer(vqa, loaded.images(), loaded.texts());
      for (int i = 0; i < answers.size(); i++) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("image", loaded.pairs().get(i).shown());
        line.put("question", loaded.pairs().get(i).text());
        line.put("answer", answers.get(i).text());
        line.put("score", answers.get(i).score());
        JsonLines.print(line);
      }
    });
  }
}
