package dev.vlt.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Google Noto emoji image-text set ({@code shared/data/emoji-google-64}): 64×64 RGBA art with its CLDR name as the
 * caption and its category as the label, split 80/20 by code-point group.
 */
public final class EmojiSet {
  /** The category with 5 items (skin tones, hair parts): kept out of classification. */
  public static final String COMPONENT = "Component";

  private EmojiSet() {}

  /**
   * @param split "train", "test" or "all"
   * @param withComponent whether to keep the Component category (retrieval over all 1911 can; classification should not)
   */
  public static SampleList read(Path dir, String split, boolean withComponent) throws IOException {
    if (!List.of("train", "test", "all").contains(split)) throw new IllegalArgumentException("emoji split must be train, test or all, got '" + split + "'");
    List<String> categories = new ArrayList<>();
    for (String c : Files.readAllLines(dir.resolve("categories.txt"), StandardCharsets.UTF_8)) {
      if (!c.isBlank() && (withComponent || !c.equals(COMPONENT))) categories.add(c.strip());
    }
    ZipImages images = new ZipImages(dir.resolve("images.zip"));
    ObjectMapper json = new ObjectMapper();
    List<Sample> samples = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(dir.resolve("pairs.jsonl"), StandardCharsets.UTF_8)) {
      String line;
      for (int lineNo = 1; (line = in.readLine()) != null; lineNo++) {
        if (line.isBlank()) continue;
        JsonNode p = json.readTree(line);
        String where = "pairs.jsonl:" + lineNo;
        int label = categories.indexOf(p.path("category").asText());
        if (label < 0 || !(split.equals("all") || split.equals(p.path("split").asText()))) continue;
        String file = p.get("file").asText();
        samples.add(Sample.of(file, images.image(file), List.of(p.get("cldr_name").asText()), label, where));
      }
    }
    return new SampleList("emoji " + split, samples, categories);
  }
}
