package dev.vlt.systems;

/** LOUPE's quickstart settings (its entry in {@link Systems} is a {@link GroundingQuickstart}). */
final class LoupeSystem {
  static final int STEPS = 500;
  static final double LR = 1e-3;

  private LoupeSystem() {}
}
