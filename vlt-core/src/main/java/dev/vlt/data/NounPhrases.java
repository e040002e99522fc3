package dev.vlt.data;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The noun phrases of a built-in caption, by a small rule rather than a parser (vlt has none). The built-in captions
 * (ShapesWorld's five phrasings, emoji scenes' lists of names) introduce every object with an indefinite article, so:
 * <ol>
 *   <li>a phrase starts at "a"/"an" when that article opens the caption or follows a comma, a colon or one of the
 *       connectives {@link #OPENERS} ("and", "with", "of", "above", "below");</li>
 *   <li>it runs to the next phrase's start, and loses what joins it to the next one: trailing commas and connectives,
 *       a relation ("to the left of", "above") and a place ("in the top left", "on the right", "at the bottom");</li>
 *   <li>a phrase that still ends in "of" ("a picture of") heads the next one and is dropped;</li>
 *   <li>the article becomes "the", as a referring expression would say it ("the small red circle").</li>
 * </ol>
 * "two shapes: a red circle and a blue square" gives "the red circle", "the blue square"; "a face with tears of joy and
 * a cat" gives "the face with tears of joy", "the cat". Known miss: an emoji name with an article after "with"
 * ("diamond with a dot") splits in two.
 */
public final class NounPhrases {
  static final Set<String> OPENERS = Set.of("and", "with", "of", "above", "below");
  private static final Pattern TAIL = Pattern.compile(
      "(?:\\s*,|\\s+and|\\s+with|\\s+above|\\s+below|\\s+to the (?:left|right) of"
          + "|\\s+(?:in|on|at) the(?:\\s+(?:top|bottom|left|right|center))+)$");

  private NounPhrases() {}

  /** The caption's noun phrases in order, each once, written with "the". */
  public static List<String> of(String caption) {
    String[] words = caption.trim().toLowerCase(Locale.ROOT).replace(",", " ,").replace(":", " :").split("\\s+");
    List<Integer> starts = new ArrayList<>();
    for (int i = 0; i < words.length; i++) {
      boolean article = words[i].equals("a") || words[i].equals("an");
      if (article && (i == 0 || words[i - 1].equals(",") || words[i - 1].equals(":") || OPENERS.contains(words[i - 1]))) starts.add(i);
    }
    Set<String> out = new LinkedHashSet<>();
    for (int k = 0; k < starts.size(); k++) {
      int from = starts.get(k) + 1, to = k + 1 < starts.size() ? starts.get(k + 1) : words.length;
      String body = String.join(" ", List.of(words).subList(from, to)).replace(" ,", ",").replace(" :", ":");
      for (String prev = null; !body.equals(prev); ) {
        prev = body;
        body = TAIL.matcher(body).replaceFirst("").trim();
      }
      if (body.isEmpty() || body.equals("of") || body.endsWith(" of")) continue;
      out.add("the " + body);
    }
    return List.copyOf(out);
  }
}
