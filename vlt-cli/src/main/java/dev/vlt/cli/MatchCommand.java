package dev.vlt.cli;

import dev.vlt.data.image.EvalTransform;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.Capability;
import dev.vlt.models.ImageTextMatching;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
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

/** {@code vlt match}: the probability that a text describes an image, from a model with an image-text matching head. */
@Command(name = "match", mixinStandardHelpOptions = true,
    description = {"Score whether TEXT matches each IMAGE with a model's image-text matching (ITM) head (ALBEF, METER):",
        "one JSON line {\"image\", \"text\", \"itm\"} per pair, in input order; itm is the match probability.",
        "--queries FILE scores many pairs: JSON lines {\"image\": PATH, \"text\": ...} (relative paths from FILE's folder)."})
public final class MatchCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "A model folder with an ITM head, or a registry architecture (random weights).")
  String model;

  @Option(names = "--text", paramLabel = "TEXT", description = "The text to match against every IMAGE.")
  String text;

  @Option(names = "--queries", paramLabel = "FILE", description = "JSON lines of {\"image\": PATH, \"text\": TEXT} pairs, instead of --text and IMAGE arguments.")
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
    List<ImagePairs.Pair> pairs = ImagePairs.of(images, text, queries, "--text", "text");
    threads.apply();
    try (LoadedModel lm = Models.resolve(model, tokenizer)) {
      ImageTextMatching itm = lm.require(Capability.IMAGE_TEXT_MATCHING);
      ModelInputs inputs = new ModelInputs(new EvalTransform(lm.preprocess()), lm::tokenizer, batchSize);
      ImagePairs.Loaded loaded = ImagePairs.load(pairs);
      float[] p = inputs.match(itm, loaded.images(), loaded.texts());
      for (int i = 0; i < p.length; i++) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("image", loaded.pairs().get(i).shown());
        line.put("text", loaded.pairs().get(i).text());
        line.put("itm", p[i]);
        JsonLines.print(line);
      }
      System.out.flush();
      return loaded.failed() > 0 ? 1 : 0;
    }
  }
}
