package dev.vlt.eval.caption;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Candidate captions and their references as word lists, one entry per image. Words are what coco-caption scores after
 * its PTB tokenizer and punctuation removal; vlt approximates that by lower-casing, treating punctuation as a separator
 * and splitting on white space (an apostrophe stays inside its word: PTB's "do n't" split is not reproduced).
 *
 * @param candidates [image][word]
 * @param references [image][reference][word]
 */
public record Tokenized(List<List<String>> candidates, List<List<List<String>>> references) {
  /** Checks the pairing (one candidate and at least one reference per image) and tokenizes. */
  public static Tokenized of(List<String> candidates, List<List<String>> references) {
    if (candidates.size() != references.size()) {
      throw new IllegalArgumentException(candidates.size() + " candidate captions but references for " + references.size() + " images");
    }
    if (candidates.isEmpty()) throw new IllegalArgumentException("no captions to score");
    List<List<String>> c = new ArrayList<>();
    List<List<List<String>>> r = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      if (candidates.get(i) == null) throw new IllegalArgumentException("candidate caption " + i + " is null");
      List<String> refs = references.get(i);
      if (refs == null || refs.isEmpty()) throw new IllegalArgumentException("image " + i + " has no reference caption");
      c.add(words(candidates.get(i)));
      List<List<String>> tokenized = new ArrayList<>();
      for (String ref : refs) {
        if (ref == null) throw new IllegalArgumentException("a reference caption of image " + i + " is null");
        tokenized.add(words(ref));
      }
      r.add(tokenized);
    }
    return new Tokenized(c, r);
  }

  public int size() {
    return candidates.size();
  }

  /** "A red circle, and a Blue square." → [a, red, circle, and, a, blue, square]. */
  public static List<String> words(String caption) {
    String cleaned = caption.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}'\\s]+", " ").trim();
    return cleaned.isEmpty() ? List.of() : Arrays.asList(cleaned.split("\\s+"));
  }
}
