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
  private static final int MAX_CONSECUTIVE_SKIPS = 10;

  /**
   * @param steps total optimizer steps (the cosine schedule ends there)
   * @param clipNorm global gradient-norm limit; 0 turns clipping off
   * @param tokenDropout probability that a caption token the decoder reads (not the start token, not padding) is replaced by
   *     a random token, so that it predicts the next word from the image more than from the words before (word dropout,
   *     Bowman et al. 2016); the targets and the contrastive text stay the true caption. 0 is open_clip's training.
   */
  public record Settings(int steps, double lr, double weightDecay, int warmupSteps, double clipNorm, double tokenDropout) {
    public Settings(int steps, double lr, double weightDecay, int warmupSteps, double clipNorm) {
      this(steps, lr, weightDecay, warmupSteps, clipNorm, 0);
    }

    public Settings {
      if (!(tokenDropout >= 0 && tokenDropout < 1)) throw new IllegalArgumentException("token dropout must be in [0, 1), got " + tokenDropout);
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
  private int skipped;
  private int consecutiveSkips;
  private final java.util.SplittableRandom dropoutRng = new java.util.SplittableRandom(0x5eed);

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
        CocaOutput o = model.forward(images, ids, settings.tokenDropout() > 0 ? withTokenDropout(ids) : ids, Trace.NONE);
        terms = loss.compute(o);
        out.putAll(terms.values());
        out.put("total", out.values().stream().mapToDouble(Double::doubleValue).sum());
        // a diverged step would write NaN into every weight through the optimizer: stop with the figures instead
        if (!Double.isFinite(out.get("total"))) throw new IllegalStateException("loss is not finite at step " + step + ": " + out);
        gc.backward(terms.total());
      }
      double norm = settings.clipNorm() > 0 ? Gradients.clipGlobalNorm(params, settings.clipNorm()) : Gradients.globalNorm(params);
      if (Double.isFinite(norm)) {
        optimizer.step(lr);
        clampLogitScale();
        consecutiveSkips = 0;
      } else {
        // a non-finite gradient would write NaN into every weight: skip the update, as AMP's GradScaler does
        skipped++;
        out.put("skipped", 1.0);
        if (++consecutiveSkips >= MAX_CONSECUTIVE_SKIPS) {
          throw new IllegalStateException("gradient not finite for " + consecutiveSkips + " steps in a row, at step " + step
              + " (" + nonFinite() + "): " + out);
        }
      }
      Gradients.zero(params);
      out.put("grad_norm", norm);
      out.put("lr", lr);
    }
    step++;
    model.train(false);
    return out;
  }

  /** ids with each token after the start token and before the padding replaced, with the dropout probability, at random. */
  private NDArray withTokenDropout(NDArray ids) {
    long[] v = ids.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
    int vocab = model.config().text().vocabSize();
    long cols = ids.getShape().get(1);
    for (int i = 0; i < v.length; i++) {
      if (i % cols != 0 && v[i] != Coca.PAD_ID && dropoutRng.nextDouble() < settings.tokenDropout()) {
        v[i] = 1 + dropoutRng.nextInt(vocab - 1);
      }
    }
    return ids.getManager().create(v, ids.getShape()).toType(ids.getDataType(), false);
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

  /** Steps whose update was skipped because a gradient was not finite. */
  public int stepsSkipped() {
    return skipped;
  }

  /** The parameters whose gradient holds a NaN or infinity, for the error message. */
  private String nonFinite() {
    StringBuilder names = new StringBuilder();
    model.namedParameters().forEach((n, p) -> {
      for (float g : p.value().getGradient().toFloatArray()) {
        if (!Float.isFinite(g)) {
          names.append(names.length() == 0 ? "" : ", ").append(n);
          break;
        }
      }
    });
    return names.toString();
  }

  /** open_clip_train clamps the temperature to [0, ln 100] after every step. */
  private void clampLogitScale() {
    NDArray s = model.logitScale().value();
    float v = s.getFloat();
    float clamped = Math.max(0f, Math.min((float) Math.log(100), v));
    if (clamped != v) s.set(new float[] {clamped});
  }
}
