package dev.vlt.data;

/** A phrase that refers to one region of a sample ("the red circle on the left"); {@code box} indexes the sample's boxes. */
public record Phrase(String text, int box) {
  public Phrase {
    if (text == null || text.isBlank()) throw new IllegalArgumentException("a phrase needs text");
    if (box < 0) throw new IllegalArgumentException("phrase '" + text + "' points at box " + box);
  }
}
