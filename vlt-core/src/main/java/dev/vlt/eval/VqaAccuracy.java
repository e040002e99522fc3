package dev.vlt.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * VQA accuracy per question type against the majority-answer baselines: exact-match accuracy (one reference answer per
 * question, as ShapesWorld's), and what answering every question with the training set's most frequent answer would
 * score, overall and with each type's own most frequent answer.
 *
 * @param correct per type (and "all"), questions answered exactly right
 * @param total per type (and "all"), questions asked
 * @param majority per type (and "all"), questions the majority answer gets right: the type's own majority for a type,
 *     the overall majority for "all"
 */
public record VqaAccuracy(Map<String, Integer> correct, Map<String, Integer> total, Map<String, Integer> majority) {
  public static final String ALL = "all";

  /**
   * @param types, @param truth, @param predicted one entry per question, in one order
   * @param trainAnswers answers of training questions by type, from which the majorities are counted
   */
  public static VqaAccuracy score(List<String> types, List<String> truth, List<String> predicted,
      Map<String, List<String>> trainAnswers) {
    if (types.size() != truth.size() || truth.size() != predicted.size()) {
      throw new IllegalArgumentException(types.size() + " types, " + truth.size() + " answers and " + predicted.size() + " predictions");
    }
    Map<String, String> majorityByType = new HashMap<>();
    List<String> every = new ArrayList<>();
    trainAnswers.forEach((type, answers) -> {
      majorityByType.put(type, mostFrequent(answers));
      every.addAll(answers);
    });
    String overall = every.isEmpty() ? "" : mostFrequent(every);
    Map<String, Integer> correct = new LinkedHashMap<>();
    Map<String, Integer> total = new LinkedHashMap<>();
    Map<String, Integer> majority = new LinkedHashMap<>();
    for (int i = 0; i < types.size(); i++) {
      String t = types.get(i);
      boolean right = truth.get(i).equals(predicted.get(i));
      for (String key : List.of(ALL, t)) {
        total.merge(key, 1, Integer::sum);
        correct.merge(key, right ? 1 : 0, Integer::sum);
        String baseline = key.equals(ALL) ? overall : majorityByType.getOrDefault(t, overall);
        majority.merge(key, truth.get(i).equals(baseline) ? 1 : 0, Integer::sum);
      }
    }
    return new VqaAccuracy(correct, total, majority);
  }

  /** The most frequent string; ties go to the one first in alphabetical order, so the baseline is reproducible. */
  public static String mostFrequent(List<String> values) {
    Map<String, Integer> counts = new HashMap<>();
    for (String v : values) counts.merge(v, 1, Integer::sum);
    return counts.entrySet().stream()
        .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())))
        .orElseThrow().getKey();
  }

  public double accuracy(String type) {
    return (double) correct.getOrDefault(type, 0) / Math.max(1, total.getOrDefault(type, 0));
  }

  public double majorityAccuracy(String type) {
    return (double) majority.getOrDefault(type, 0) / Math.max(1, total.getOrDefault(type, 0));
  }

  /** The question types present, "all" first. */
  public List<String> types() {
    return List.copyOf(total.keySet());
  }
}
