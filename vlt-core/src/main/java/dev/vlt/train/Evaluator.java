package dev.vlt.train;

import java.util.Map;

/** A periodic evaluation during training (e.g. zero-shot accuracy); runs in eval mode without gradients. */
public interface Evaluator {
  /** Named figures, e.g. {"test_top1": 0.41, "test_chance": 0.024}. */
  Map<String, Double> evaluate();
}
