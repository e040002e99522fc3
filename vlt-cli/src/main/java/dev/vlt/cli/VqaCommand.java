package dev.vlt.cli;

import dev.vlt.data.image.EvalTransform;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.QuestionAnswering;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vlt vqa}: answers a question about each image with a model that answers questions. */
@Command(name = "vqa", mixinStandardHelpOptions = true,
    description = {"Answer QUESTION about each IMAGE with a visual question answering model (METER, ALBEF-VQA):",
        "one JSON line {\"image\", \"question\", \"answer\", \"score\"} per pair, in input order; score is the model's",
        "probability of its answer. --queries FILE answers many pairs: JSON lines {\"image\": PATH, \"question\": ...}."})
public final class VqaCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "A model folder that answers questions, or a registry architecture (random weights).")
  String model;

  @Option(names = "--question", paramLabel = "Q", description = "The question to ask of every IMAGE.")
  String question;

  @Option(names = "--queries", paramLabel = "FILE", description = "JSON lines of {\"image\": PATH, \"question\": Q} pairs, instead of --question and IMAGE arguments.")
  Path queries;

  @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Image files (PNG, JPEG, anything ImageIO reads).")
  List<Path> images;

  @Option(names = "--tokenizer", paramLabel = "FILE", description = "Tokenizer file or folder instead of the model's own.")
  Path tokenizer;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "16", description = "Pairs per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws IOException {
    if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
    List<ImagePairs.Pair> pairs = ImagePairs.of(images, question, queries, "--question", "question");
    threads.apply();
    try (LoadedModel lm = Models.resolve(model, tokenizer)) {
      QuestionAnswering vqa = lm.require(Capability.QUESTION_ANSWERING);
      ModelInputs inputs = new ModelInputs(new EvalTransform(lm.preprocess()), lm::tokenizer, batchSize);
      ImagePairs.Loaded loaded = ImagePairs.load(pairs);
      List<QuestionAnswering.Answer> answers = inputs.answer(vqa, loaded.images(), loaded.texts());
      for (int i = 0; i < answers.size(); i++) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("image", loaded.pairs().get(i).shown());
        line.put("question", loaded.pairs().get(i).text());
        line.put("answer", answers.get(i).text());
        line.put("score", answers.get(i).score());
        JsonLines.print(line);
      }
      System.out.flush();
      return loaded.failed() > 0 ? 1 : 0;
    }
  }
}
