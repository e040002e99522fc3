package dev.vlt.experiment;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.vlt.analysis.ModelInputs;
import dev.vlt.analysis.Pairs;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.clip.ClipOutput;
import dev.vlt.objectives.ContrastiveLoss;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import dev.vlt.train.AdamW;
import dev.vlt.train.Gradients;
import dev.vlt.train.ParamGroups;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * CLIP pretraining of any {@link ContrastiveModel} for a fixed budget, as open_clip does one step: symmetric InfoNCE,
 * global-norm clipping, AdamW with open_clip's decay groups (betas 0.9/0.98, eps 1e-6) at a linear-warmup + cosine rate,
 * then the temperature clamp to [0, ln 100]. Each step lives in its own memory scope.
 */
final class ContrastiveTraining {
  /** open_clip clamps the temperature after each step, as the CLIP paper does. */
  static final double MAX_LOGIT_SCALE = Math.log(100);

  /** @param loss the training loss after each step [steps]; @param samplesPerSecond training throughput (eval excluded) */
  record Result(double[] loss, double samplesPerSecond) {}

  private ContrastiveTraining() {}

  static <M extends Module & ContrastiveModel> Result run(M model, ModelInputs inputs, Pairs stream,
      ExperimentSpec.Budget budget, NDManager manager, Consumer<String> log) {
    int b = budget.batchSize();
    if (stream.size() < (long) budget.steps() * b) {
      throw new IllegalArgumentException("training stream has " + stream.size() + " pairs, the budget needs " + budget.steps() * b);
    }
    Map<String, Parameter> params = model.namedParameters();
    List<Parameter> trainable = params.values().stream().filter(p -> !p.isFrozen()).toList();
    AdamW optimizer = new AdamW(params, ParamGroups.weightDecay(params, budget.weightDecay()), new AdamW.Hyper(0.9, 0.98, 1e-6), manager);
    double[] losses = new double[budget.steps()];
    model.train(true);
    long start = System.nanoTime();
    for (int step = 0; step < budget.steps(); step++) {
      try (NDScope scope = new NDScope()) {
        List<Integer> rows = java.util.stream.IntStream.range(step * b, (step + 1) * b).boxed().toList();
        NDArray pixels = inputs.pixels(manager, rows.stream().map(stream.images()::get).toList());
        NDArray ids = inputs.ids(manager, rows.stream().map(stream.captions()::get).toList());
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          ClipOutput out = model.forward(pixels, ids, Trace.NONE);
          NDArray loss = ContrastiveLoss.compute(out.imageFeatures(), out.textFeatures(), out.logitScale()).total();
          gc.backward(loss);
          losses[step] = loss.getFloat();
        }
        if (!Double.isFinite(losses[step])) {
          throw new IllegalStateException("loss is " + losses[step] + " at step " + step + "; lower budget.lr");
        }
        if (budget.gradClip() > 0) Gradients.clipGlobalNorm(trainable, budget.gradClip());
        optimizer.step(lr(budget, step));
        clampLogitScale(model);
        Gradients.zero(trainable);
      }
      if ((step + 1) % 50 == 0 || step + 1 == budget.steps()) {
        log.accept(String.format("  step %d/%d  loss %.4f", step + 1, budget.steps(), losses[step]));
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    model.train(false);
    return new Result(losses, (double) budget.steps() * b / seconds);
  }

  /** Linear warmup to {@code lr}, then cosine decay to 0 at the last step (open_clip's cosine_lr). */
  static double lr(ExperimentSpec.Budget budget, int step) {
    if (step < budget.warmup()) return budget.lr() * (step + 1) / budget.warmup();
    double progress = (double) (step - budget.warmup()) / Math.max(1, budget.steps() - budget.warmup());
    return 0.5 * (1 + Math.cos(Math.PI * progress)) * budget.lr();
  }

  private static void clampLogitScale(ContrastiveModel model) {
    NDArray s = model.logitScale().value();
    float v = s.getFloat();
    if (v < 0 || v > MAX_LOGIT_SCALE) {
      try (NoGrad ng = NoGrad.open()) {
        s.set(new float[] {(float) Math.max(0, Math.min(MAX_LOGIT_SCALE, v))});
      }
    }
  }
}
