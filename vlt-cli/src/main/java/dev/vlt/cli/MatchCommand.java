package dev.vlt.cli;

import dev.vlt.models.Capability;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vlt match}: the probability that a text describes an image, from a model with an image-text matching head. */
@Command(name = "match", mixinStandardHelpOptions = true,
    description = {"Score whether TEXT matches each IMAGE with a model's image-text matching (ITM) head (ALBEF, METER):",
        "one JSON line {\"image\", \"text\", \"itm\"} per pair, in input order; itm is the match probability.",
        "--queries FILE scores many pairs: JSON lines {\"image\": PATH, \"text\": ...} (relative paths from FILE's folder)."})
public final class MatchCommand implements Callable<Integer> {
  @Option(names = "--text", paramLabel = "TEXT", description = "The text to match against every IMAGE.")
  String text;

  @Mixin PairOptions pairs;

  @Override
  public Integer call() throws IOException {
    return pairs.run(Capability.IMAGE_TEXT_MATCHING, text, "--text", "text", (itm, inputs, loaded) -> {
      float[] p = inputs.match(itm, loaded.images(), loaded.texts());
      for (int i = 0; i < p.length; i++) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("image", loaded.pairs().get(i).shown());
        line.put("text", loaded.pairs().get(i).text());
        line.put("itm", p[i]);
        JsonLines.print(line);
      }
    });
  }
}
