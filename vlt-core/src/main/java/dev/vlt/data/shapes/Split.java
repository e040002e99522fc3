package dev.vlt.data.shapes;

/**
 * The splits. train and val draw only the combos a config does not hold out (val is a fresh in-distribution sample);
 * test draws only held-out combos, so a model trained on train meets them first at test time (zero-shot).
 */
public enum Split {
  TRAIN("train"),
  VAL("val"),
  TEST("test");

  private final String word;

  Split(String word) {
    this.word = word;
  }

  public String word() {
    return word;
  }

  public static Split parse(String word) {
    for (Split s : values()) if (s.word.equals(word)) return s;
    throw new IllegalArgumentException("unknown split '" + word + "' (expected train, val or test)");
  }
}
