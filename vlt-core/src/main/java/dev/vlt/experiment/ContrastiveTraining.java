package dev.vlt.experiment;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.vlt.analysis.ModelInputs;
import dev.vlt.analysis.Pairs;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.tensor.Module;
import dev.vlt.train.TrainBatch;
import dev.vlt.train.TrainConfig;
import dev.vlt.train.Trainer;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Trains any {@link ContrastiveModel} for an experiment's budget with the project's {@link Trainer} (open_clip's step:
 * InfoNCE, global-norm clipping, AdamW with open_clip's decay groups at a warmup + cosine rate, the temperature clamp),
 * feeding it the experiment's pairs in order and recording the loss of every step.
 */
final class ContrastiveTraining {
  /** @param loss the training loss of every step [steps]; @param samplesPerSecond training throughput (eval excluded) */
  record Result(double[] loss, double samplesPerSecond) {}

  private ContrastiveTraining() {}

  static <M extends Module & ContrastiveModel> Result run(M model, ModelInputs inputs, Pairs stream,
      ExperimentSpec.Budget budget, long seed, NDManager manager, Consumer<String> log) {
    int b = budget.batchSize();
    if (stream.size() < (long) budget.steps() * b) {
      throw new IllegalArgumentException("training stream has " + stream.size() + " pairs, the budget needs " + budget.steps() * b);
    }
    Trainer trainer = new Trainer(new ContrastiveTask<>(model), config(budget, seed), manager);
    double[] losses = new double[budget.steps()];
    model.train(true);
    long start = System.nanoTime();
    for (int step = 0; step < budget.steps(); step++) {
      List<Integer> rows = IntStream.range(step * b, (step + 1) * b).boxed().toList();
      Trainer.StepResult r;
      try (NDScope scope = new NDScope()) {
        TrainBatch batch = new TrainBatch(inputs.pixels(manager, rows.stream().map(stream.images()::get).toList()),
            inputs.ids(manager, rows.stream().map(stream.captions()::get).toList()));
        r = trainer.step(List.of(batch));
      }
      losses[step] = r.losses().get("loss");
      if (!r.finite()) {
        throw new IllegalStateException("loss " + losses[step] + ", gradient norm " + r.gradNorm() + " at step " + step
            + "; the update was not applied: lower budget.lr");
      }
      if ((step + 1) % 50 == 0 || step + 1 == budget.steps()) {
        log.accept(String.format("  step %d/%d  loss %.4f", step + 1, budget.steps(), losses[step]));
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    model.train(false);
    return new Result(losses, (double) budget.steps() * b / seconds);
  }

  /** The budget as the Trainer's config: one epoch of exactly the budget's steps, no checkpoints or evaluation inside. */
  static TrainConfig config(ExperimentSpec.Budget b, long seed) {
    long samples = (long) b.steps() * b.batchSize();
    return new TrainConfig("msclip", null, "experiment", "contrastive", b.batchSize(), 1, samples, 1, b.steps(),
        new TrainConfig.Optim(b.lr(), b.weightDecay(), 0.9, 0.98, 1e-6, b.warmup(), b.gradClip()), false, false, seed,
        new TrainConfig.Cadence(1, 0, 50), 4);
  }
}
