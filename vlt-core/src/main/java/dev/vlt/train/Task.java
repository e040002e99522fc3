package dev.vlt.train;

import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.Module;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A model bound to its objectives: what the {@link Trainer} trains. The model computes outputs; the objective is a pure
 * function of them, so the trainer can recompute one micro-batch's outputs and score them against cached others.
 */
public interface Task {
  /** Every parameter the task owns (frozen ones included), by checkpoint name. */
  Module module();

  /** The model's outputs for one batch. */
  TaskOutput forward(TrainBatch batch);

  /** The objective's named terms from (possibly concatenated) outputs. */
  LossTerms loss(TaskOutput outputs);

  /** Runs after each optimizer step, e.g. CLIP's clamp of the temperature. */
  void afterStep();

  /** Writes the model as a model folder (weights, config, tokenizer files). */
  void saveModel(Path dir) throws IOException;
}
