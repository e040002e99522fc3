package dev.vlt.eval;

/**
 * Accuracy on one class: {@code correct} of {@code count} examples labelled {@code name}. {@code accuracy} is null when
 * the class has no examples (absent, not zero, and JSON has no NaN).
 */
public record ClassAccuracy(String name, int count, int correct, Double accuracy) {}
