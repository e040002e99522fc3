package dev.vlt.data.shapes;

import java.util.List;

/**
 * A question about a scene, its one-word answer (a word of {@link ShapesWorld#answers()}) and its type: one of
 * {@link #TYPES}, by which answering accuracy is reported.
 */
public record QuestionAnswer(String question, String answer, String type) {
  public static final String COUNT = "count";
  public static final String COLOR = "color";
  public static final String SHAPE = "shape";
  public static final String SIZE = "size";
  public static final String EXISTS = "exists";
  public static final String SPATIAL = "spatial";
  public static final List<String> TYPES = List.of(COUNT, COLOR, SHAPE, SIZE, EXISTS, SPATIAL);

  public QuestionAnswer {
    if (!TYPES.contains(type)) throw new IllegalArgumentException("unknown question type '" + type + "'");
  }
}
