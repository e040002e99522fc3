package dev.vlt.systems;

/**
 * LOUPE's quickstart settings (its entry in {@link Systems} is a {@link GroundingQuickstart}): 700 steps of 32 fit the
 * 10 minutes with the evaluation. The sampling budget per step (the bundled config): at most 2 noun phrases per caption,
 * 16 candidate regions per phrase, 8 Shapley-weighted contexts per sampled region — at most 64 × 16 × 8 = 8,192 contexts
 * per step, each a sum of ≤ 64 patch embeddings of width 128, computed on the host.
 */
final class LoupeSystem {
  static final int STEPS = 700;
  static final double LR = 1e-3;

  private LoupeSystem() {}
}
