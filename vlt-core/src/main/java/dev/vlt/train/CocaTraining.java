package dev.vlt.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.vlt.models.coca.Coca;
import dev.vlt.models.coca.CocaOutput;
import dev.vlt.objectives.CocaLoss;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A compact CoCa training loop, until the general trainer covers CoCa: the caller feeds batches, this class owns the step
 * (one memory scope, forward, {@link CocaLoss}, backward, global-norm clipping, AdamW with open_clip's decay groups) and
 * the schedule (linear warm-up, then cosine decay to 0).
 */
public final class CocaTraining {
  /**
   * @param steps total optimizer steps (the cosine schedule ends there)
   * @param clipNorm global gradient-norm limit; 0 turns clipping off
   */
  public record Settings(int steps, double lr, double weightDecay, int warmupSteps, double clipNorm) {
    public Settings {
      if (steps <= 0) throw new IllegalArgumentException("steps must be positive, got " + steps);
      if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be positive, got " + lr);
      if (weightDecay < 0 || warmupSteps < 0 || clipNorm < 0) {
        throw new IllegalArgumentException("weight decay, warm-up steps and clip norm must not be negative");
      }
    }
  }

  private final Coca model;
  private final CocaLoss loss;
  private final Settings settings;
  private final AdamW optimizer;
  private final Collection<Parameter> params;
  private int step;

  /** @param optimizerManager owns the AdamW moments; it must outlive training (not a step scope) */
  public CocaTraining(Coca model, CocaLoss loss, Settings settings, NDManager optimizerManager) {
    this.model = model;
    this.loss = loss;
    this.settings = settings;
    this.params = model.namedParameters().values();
    this.optimizer = new AdamW(model.namedParameters(), ParamGroups.weightDecay(model.namedParameters(), settings.weightDecay()),
        new AdamW.Hyper(0.9, 0.98, 1e-6), optimizerManager);
  }

  /**
   * One optimizer step on images [B, 3, S, S] and ids [B, L] (start token first, padded with 0). Returns the host values of
   * the weighted loss terms plus "total", "grad_norm" and "lr".
   */
  public Map<String, Double> step(NDArray images, NDArray ids) {
    if (step >= settings.steps()) throw new IllegalStateException("training already ran its " + settings.steps() + " steps");
    model.train(true);
    double lr = learningRate(step);
    Map<String, Double> out = new LinkedHashMap<>();
    try (NDScope scope = new NDScope()) {
      LossTerms terms;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        CocaOutput o = model.forward(images, ids, Trace.NONE);
        terms = loss.compute(o);
        gc.backward(terms.total());
      }
      out.putAll(terms.values());
      out.put("total", out.values().stream().mapToDouble(Double::doubleValue).sum());
      double norm = settings.clipNorm() > 0 ? Gradients.clipGlobalNorm(params, settings.clipNorm()) : Gradients.globalNorm(params);
      optimizer.step(lr);
      Gradients.zero(params);
      clampLogitScale();
      out.put("grad_norm", norm);
      out.put("lr", lr);
    }
    step++;
    model.train(false);
    return out;
  }

  /** Linear warm-up to the peak, then half a cosine down to 0 at the last step. */
  public double learningRate(int at) {
    if (at < settings.warmupSteps()) return settings.lr() * (at + 1) / settings.warmupSteps();
    double progress = (at - settings.warmupSteps()) / (double) Math.max(1, settings.steps() - settings.warmupSteps());
    return 0.5 * settings.lr() * (1 + Math.cos(Math.PI * Math.min(1, progress)));
  }

  public int stepsDone() {
    return step;
  }

  /** open_clip_train clamps the temperature to [0, ln 100] after every step. */
  private void clampLogitScale() {
    NDArray s = model.logitScale().value();
    float v = s.getFloat();
    float clamped = Math.max(0f, Math.min((float) Math.log(100), v));
    if (clamped != v) s.set(new float[] {clamped});
  }
}
