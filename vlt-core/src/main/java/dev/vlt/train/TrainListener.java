package dev.vlt.train;

import java.nio.file.Path;
import java.util.Map;

/** Progress callbacks from the {@link Trainer}, on its thread; keeps the core loop free of any terminal code. */
public interface TrainListener {
  /** Before the first step: training runs from {@code step} to {@code steps}. */
  default void started(long step, long steps, String data) {}

  default void stepped(StepMetrics metrics) {}

  default void evaluated(long step, Map<String, Double> metrics) {}

  default void checkpointed(long step, Path dir) {}

  TrainListener NONE = new TrainListener() {};
}
