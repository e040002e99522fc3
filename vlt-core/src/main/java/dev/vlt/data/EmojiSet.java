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
import java.util.Locale;

/**
 * The Google Noto emoji image-text set ({@code shared/data/emoji-google-64}): 64×64 RGBA art with its CLDR name as the
 * caption and its category as the label, split 80/20 by code-point group. {@link Captions#DESCRIBED} captions each emoji
 * with its category as well ({@code emoji:SPLIT:described}).
 */
public final class EmojiSet {
  /** The category with 5 items (skin tones, hair parts): kept out of classification. */
  public static final String COMPONENT = "Component";

  private EmojiSet() {}

  /** What an emoji's captions say. */
  public enum Captions {
    /** Its CLDR name alone ("grinning face"): one caption. */
    NAME,
    /**
     * Its category and its name, one caption per template of the emoji prompt set filled with the category ("an emoji of
     * smileys & emotion: grinning face", "an icon showing smileys & emotion: grinning face", ...). A CLIP trained on
     * these reads the category words that zero-shot classification over the categories asks about; on names alone it
     * never does, and its zero-shot over categories is near chance.
     */
    DESCRIBED;

    /** Parses what follows the split in {@code emoji:SPLIT:CAPTIONS}: "name" or "described". */
    public static Captions of(String id) {
      for (Captions c : values()) if (c.name().toLowerCase(Locale.ROOT).equals(id)) return c;
      throw new IllegalArgumentException("emoji captions must be name or described, got '" + id + "'");
    }
  }

  /**
   * @param split "train", "test" or "all"
   * @param withComponent whether to keep the Component category (retrieval over all 1911 can; classification should not)
   */
  public static SampleList read(Path dir, String split, boolean withComponent) throws IOException {
    return read(dir, split, withComponent, Captions.NAME);
  }

  /** As {@link #read(Path, String, boolean)}, captioned as {@code captions} says. */
  public static SampleList read(Path dir, String split, boolean withComponent, Captions captions) throws IOException {
    if (!List.of("train", "test", "all").contains(split)) throw new IllegalArgumentException("emoji split must be train, test or all, got '" + split + "'");
    List<String> categories = new ArrayList<>();
    for (String c : Files.readAllLines(dir.resolve("categories.txt"), StandardCharsets.UTF_8)) {
      if (!c.isBlank() && (withComponent || !c.equals(COMPONENT))) categories.add(c.strip());
    }
    ZipImages images = new ZipImages(dir.resolve("images.zip"));
    ObjectMapper json = new ObjectMapper();
    List<String> templates = captions == Captions.NAME ? List.of() : Templates.load("emoji");
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
        String name = p.get("cldr_name").asText();
        List<String> text = captions == Captions.NAME ? List.of(name) : described(templates, categories.get(label), name);
        samples.add(Sample.of(file, images.image(file), text, label, where));
      }
    }
    return new SampleList("emoji " + split + (captions == Captions.NAME ? "" : " (described)"), samples, categories);
  }

  /** The {@link Captions#DESCRIBED} captions of an emoji: every template with the category, then ": " and the name. */
  static List<String> described(List<String> templates, String category, String name) {
    List<String> out = new ArrayList<>();
    for (String t : Templates.fill(templates, category.toLowerCase(Locale.ROOT))) {
      out.add((t.endsWith(".") ? t.substring(0, t.length() - 1) : t) + ": " + name);
    }
    return out;
  }
}
