package dev.vlt.data.shapes;

/** A question about a scene and its one-word answer (a word of {@link ShapesWorld#answers()}). */
public record QuestionAnswer(String question, String answer) {}
