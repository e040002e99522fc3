package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;

/**
 * Outputs of a task whose loss is a mean over independent samples, or that keeps its own negatives (ALBEF's queue): the
 * task does not couple micro-batches ({@link Task#couplesBatch} is false), so the trainer never joins them, and nothing
 * batch-independent is logged.
 */
interface UnjoinedOutput<O extends StepOutput<O>> extends StepOutput<O> {
  @Override
  default O joined(List<O> parts) {
    if (parts.size() == 1) return parts.get(0);
    throw new IllegalStateException("these micro-batches are scored independently, never joined");
  }

  @Override
  default Map<String, NDArray> scalars() {
    return Map.of();
  }
}
