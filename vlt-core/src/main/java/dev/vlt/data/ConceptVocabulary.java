package dev.vlt.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The concept vocabulary NLIP's noise completion retrieves from (Huang et al. 2023 use object names): here derived from
 * the training captions themselves, so it needs no outside list. A concept is a lower-cased word (letters, digits,
 * hyphens) that occurs in the captions of at least {@link #MIN_PAIRS} training pairs and of at most
 * {@link #MAX_SHARE} of them, and is not an English function word ({@link #FUNCTION_WORDS}). The upper bound drops words
 * every caption shares (ShapesWorld's "picture", "shape", "one"), which tell no image apart; on ShapesWorld what remains is
 * its colours, shapes, sizes and position words, on the emoji pairs the content words of their names. Caption noise that
 * swaps captions among pairs does not change which words occur, so the vocabulary of a noisy set is the clean set's.
 */
public record ConceptVocabulary(List<String> words) {
  public static final int MIN_PAIRS = 2;
  public static final double MAX_SHARE = 0.6;
  static final Set<String> FUNCTION_WORDS = Set.of("a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "with", "by",
      "for", "from", "into", "is", "are", "it", "its", "this", "that", "as", "be", "no", "not");

  public ConceptVocabulary {
    words = List.copyOf(words);
    if (words.isEmpty()) throw new IllegalArgumentException("the concept vocabulary is empty: the captions have no word that "
        + "occurs in at least " + MIN_PAIRS + " pairs and in at most " + Math.round(100 * MAX_SHARE) + " % of them");
  }

  /** The vocabulary of {@code captions}, one list per training pair (all of its captions), words sorted. */
  public static ConceptVocabulary fromCaptions(List<List<String>> captions) {
    Map<String, Integer> pairs = new TreeMap<>();
    for (List<String> mine : captions) {
      Set<String> seen = new HashSet<>();
      for (String c : mine) seen.addAll(words(c));
      for (String w : seen) pairs.merge(w, 1, Integer::sum);
    }
    List<String> out = new ArrayList<>();
    pairs.forEach((w, n) -> {
      if (n >= MIN_PAIRS && n <= MAX_SHARE * captions.size() && !FUNCTION_WORDS.contains(w)) out.add(w);
    });
    return new ConceptVocabulary(out);
  }

  /** The words of one caption as the vocabulary counts them. */
  static List<String> words(String caption) {
    List<String> out = new ArrayList<>();
    for (String w : caption.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}-]+")) if (!w.isEmpty()) out.add(w);
    return Collections.unmodifiableList(out);
  }

  public int size() {
    return words.size();
  }
}
