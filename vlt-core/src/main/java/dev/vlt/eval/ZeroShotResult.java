package dev.vlt.eval;

/**
 * The metrics plus the raw scores they came from: {@code logits} and {@code probabilities} are [N, C],
 * {@code predictions} [N] (argmax, ties to the lower class index). Only {@code metrics} is meant for JSON.
 */
public record ZeroShotResult(ZeroShotMetrics metrics, double[][] logits, double[][] probabilities, int[] predictions) {}
