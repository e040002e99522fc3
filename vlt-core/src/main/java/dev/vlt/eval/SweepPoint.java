package dev.vlt.eval;

/** One point of the linear-probe regularisation sweep: C (scikit-learn convention) and its validation scores. */
public record SweepPoint(double c, double valAccuracy, double valLoss) {}
