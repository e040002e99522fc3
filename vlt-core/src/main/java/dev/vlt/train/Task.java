package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vlt.data.Batch;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.Module;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model bound to its objectives: what the {@link Trainer} trains. The task turns a loader batch into its own input
 * ({@link #collate}), the model computes typed outputs, the objective is a pure function of them — so the trainer can
 * recompute one micro-batch's outputs and score them against cached others, and trains every task with one loop.
 *
 * @param <B> the task's batch (e.g. images and token ids)
 * @param <O> the task's outputs
 */
public interface Task<B, O extends StepOutput<O>> {
  /** Every parameter the task owns (frozen ones included), by checkpoint name. */
  Module module();

  /** A loader batch (images already on {@code manager}, captions tokenized) as this task's input. */
  B collate(Batch batch, NDManager manager);

  /** The model's outputs for one batch. */
  O forward(B batch);

  /** The objective's named terms from (possibly joined) outputs. */
  LossTerms loss(O outputs);

  /** Runs once before each optimizer step's forward passes, e.g. ALBEF's momentum (EMA) update of its copy. */
  default void beforeStep() {}

  /** Runs after each optimizer step, e.g. CLIP's clamp of the temperature, or a queue update. */
  default void afterStep() {}

  /**
   * Whether the loss couples the samples of a batch (a contrastive loss scores each pair against the others): then
   * gradient accumulation caches every micro-batch's outputs and scores each fresh one against the joined batch, as
   * open_clip does. A task whose loss is a mean over independent samples (or that keeps its own negatives, like a queue)
   * returns false, and each micro-batch's loss counts 1/accum_freq.
   */
  default boolean couplesBatch() {
    return true;
  }

  /**
   * What the task keeps besides parameters and must carry across a resume (NLIP's per-sample loss record, a feature
   * queue), by name, as arrays on {@code manager}; saved in every checkpoint and handed back to {@link #restoreState}.
   */
  default Map<String, NDArray> state(NDManager manager) {
    return Map.of();
  }

  /**
   * Restores what {@link #state} saved (an empty map for a checkpoint of a task without state); the arrays live only
   * during the call, so copy what is kept.
   */
  default void restoreState(Map<String, NDArray> state) {}

  /**
   * Whether the task's targets are tied to pixel positions (boxes, masks): then the loader feeds it the eval transform's
   * whole image whatever {@code crop_scale} says, since a random resized crop would move what the targets point at.
   */
  default boolean needsWholeImages() {
    return false;
  }

  /** Writes the model as a model folder (weights, config, tokenizer files). */
  void saveModel(Path dir) throws IOException;
}
