package dev.vlt.eval.caption;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** n-gram counts of a word list: the common currency of BLEU and CIDEr. */
final class NGrams {
  private NGrams() {}

  /** Each n-gram of exactly n words → how often it occurs (len − n + 1 n-grams in all, none if the list is shorter). */
  static Map<List<String>, Integer> counts(List<String> words, int n) {
    Map<List<String>, Integer> out = new HashMap<>();
    for (int i = 0; i + n <= words.size(); i++) out.merge(List.copyOf(words.subList(i, i + n)), 1, Integer::sum);
    return out;
  }
}
