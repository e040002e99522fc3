package dev.vlt.data;

/**
 * A question about a sample's image, its answer, and the question's type ("color", "shape", "count", …) by which
 * answering accuracy is reported.
 */
public record Question(String text, String answer, String type) {
  public Question {
    if (text == null || text.isBlank()) throw new IllegalArgumentException("a question needs text");
    if (answer == null || answer.isBlank()) throw new IllegalArgumentException("question '" + text + "' has no answer");
    if (type == null || type.isBlank()) throw new IllegalArgumentException("question '" + text + "' has no type");
  }
}
