package dev.vlt.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.vlt.data.Batch;
import dev.vlt.data.Loader;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The training loop for every task, open_clip's {@code train_one_epoch} in one place: per step, a memory scope; the
 * loader's batches collated by the task; forward, loss and backward (with open_clip's feature-caching gradient
 * accumulation); global-norm clipping; AdamW at the cosine schedule's rate; the task's post-step hook (CLIP's temperature
 * clamp); zeroed gradients. Around the steps: evaluation, metrics, and atomic checkpoints (every few epochs and every N
 * steps) that record the loader's position, so a resumed run reads exactly the batches the uninterrupted one would have;
 * a stop on request (Ctrl-C) that checkpoints first; and a stop with a clear message at the first non-finite loss, before
 * it reaches the weights.
 *
 * @param <B> the task's batch
 * @param <O> the task's outputs
 */
public final class Trainer<B, O extends StepOutput<O>> {
  public enum Outcome { COMPLETED, STOPPED }

  /** One optimizer step's figures; {@code finite} false means the update was skipped. */
  public record StepResult(Map<String, Double> losses, double lr, double gradNorm, Map<String, Double> scalars,
      boolean finite) {}

  record Pass<O>(LossTerms loss, O output) {}

  private final Task<B, O> task;
  private final TrainConfig cfg;
  private final NDManager manager;
  private final List<Parameter> trainable;
  private final AdamW optimizer;
  private final CosineSchedule schedule;
  private long step;
  private long samplesSeen;
  private Loader.Position position = Loader.Position.START;
  private double secondsBefore;  // training time of earlier processes of this run
  private long runStart = System.nanoTime();
  private volatile boolean stopRequested;
  /** Wall nanoseconds of the last step's phases: forward + loss, backward, gradient norm, optimizer, zeroing. */
  private final long[] phaseNanos = new long[5];

  /** @param manager owns the optimizer state (and the weights restored by {@link #resume}); outlives the run */
  public Trainer(Task<B, O> task, TrainConfig cfg, NDManager manager) {
    this.task = task;
    this.cfg = cfg;
    this.manager = manager;
    Map<String, Parameter> params = task.module().namedParameters();
    this.trainable = params.values().stream().filter(p -> !p.isFrozen()).toList();
    if (trainable.isEmpty()) throw new IllegalArgumentException("every parameter is frozen: nothing to train");
    this.optimizer = new AdamW(params, ParamGroups.weightDecay(params, cfg.optim().wd()),
        ParamGroups.lrScale(params, cfg.lrMult()), cfg.optim().hyper(), manager);
    this.schedule = new CosineSchedule(cfg.optim().lr(), cfg.warmupSteps(), cfg.totalSteps());
  }

  /** Restores weights, optimizer and data position from {@code checkpoint}. */
  public TrainerState resume(Path checkpoint) throws IOException {
    TrainerState s = Checkpoints.load(checkpoint, task, optimizer, manager);
    if (s.seed() != cfg.seed()) throw new IllegalArgumentException(checkpoint + " was written with seed " + s.seed() + ", not " + cfg.seed());
    step = s.step();
    samplesSeen = s.samplesSeen();
    secondsBefore = s.elapsedSeconds();
    position = s.position();
    return s;
  }

  /** Asks the loop to checkpoint and return after the current step (safe from another thread, e.g. a shutdown hook). */
  public void requestStop() {
    stopRequested = true;
  }

  public long step() {
    return step;
  }

  /** Where the next batch starts in the data. */
  public Loader.Position position() {
    return position;
  }

  /** Wall-clock seconds spent in {@link #run}, across every process that trained this run. */
  public double elapsedSeconds() {
    return secondsBefore + (System.nanoTime() - runStart) / 1e9;
  }

  /**
   * Seconds of the last {@link #step}'s phases, in order: forward + loss, backward, gradient norm (and clipping),
   * optimizer, zeroing the gradients (plain micro-batch passes only; accumulated passes count whole in neither).
   */
  public double[] lastPhaseSeconds() {
    double[] out = new double[phaseNanos.length];
    for (int i = 0; i < out.length; i++) out[i] = phaseNanos[i] / 1e9;
    return out;
  }

  public AdamW optimizer() {
    return optimizer;
  }

  public Task<B, O> task() {
    return task;
  }

  /**
   * One optimizer step over {@code microBatches} (accum_freq of them). Call inside an {@link NDScope}. A non-finite loss
   * or gradient norm skips the update and leaves the step count as it was.
   */
  public StepResult step(List<B> microBatches, int samples) {
    double lr = schedule.lr(step);
    // dropout and drop-path draw from torch's generator: seeding it per step makes the RNG state a function of the step
    Engine.getInstance().setRandomSeed(stepSeed(cfg.seed(), step));
    task.beforeStep();
    java.util.Arrays.fill(phaseNanos, 0);
    Pass<O> pass = backward(microBatches);
    Map<String, Double> losses = new LinkedHashMap<>(pass.loss().values());
    losses.put("loss", scalar(pass.loss().total()));
    long t0 = System.nanoTime();
    double gradNorm = cfg.optim().gradClipNorm() > 0
        ? Gradients.clipGlobalNorm(trainable, cfg.optim().gradClipNorm())
        : Gradients.globalNorm(trainable);
    long t1 = System.nanoTime();
    phaseNanos[2] = t1 - t0;
    Map<String, Double> scalars = new LinkedHashMap<>();
    pass.output().scalars().forEach((k, v) -> scalars.put(k, scalar(v)));
    boolean finite = Double.isFinite(gradNorm) && losses.values().stream().allMatch(Double::isFinite);
    if (finite) {
      optimizer.step(lr);
      task.afterStep();
      step++;
      samplesSeen += samples;
    }
    long t2 = System.nanoTime();
    phaseNanos[3] = t2 - t1;
    Gradients.zero(trainable);
    phaseNanos[4] = System.nanoTime() - t2;
    return new StepResult(losses, lr, gradNorm, scalars, finite);
  }

  /** Forward, loss and backward over the micro-batches; leaves the gradients in the parameters. */
  Pass<O> backward(List<B> microBatches) {
    if (microBatches.size() == 1) return plain(microBatches.get(0), 1);
    return task.couplesBatch() ? accumulated(microBatches) : averaged(microBatches);
  }

  private Pass<O> plain(B batch, int parts) {
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      long t0 = System.nanoTime();
      O out = task.forward(batch);
      LossTerms loss = task.loss(out);
      long t1 = System.nanoTime();
      gc.backward(parts == 1 ? loss.total() : dev.vlt.tensor.Ops.div(loss.total(), parts));  // a tensor op: see Ops.div
      phaseNanos[0] += t1 - t0;
      phaseNanos[1] += System.nanoTime() - t1;
      return new Pass<>(loss, out);
    }
  }

  /** Accumulation for losses over independent samples: each micro-batch's gradient weighs 1/accum_freq. */
  private Pass<O> averaged(List<B> micro) {
    Pass<O> last = null;
    for (B b : micro) last = plain(b, micro.size());
    return last;
  }

  /**
   * open_clip's accumulation for batch-coupled losses: every micro-batch's outputs are first computed without gradients
   * and cached; then each micro-batch is recomputed with gradients and scored against the cached outputs of the others,
   * so the loss always sees the whole batch. Gradients sum over the passes; like open_clip, the shared temperature thus
   * receives accum_freq contributions.
   */
  private Pass<O> accumulated(List<B> micro) {
    List<O> cached = new ArrayList<>(micro.size());
    try (NoGrad ignored = NoGrad.open()) {
      for (B b : micro) cached.add(task.forward(b));
    }
    Pass<O> last = null;
    for (int j = 0; j < micro.size(); j++) {
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        O fresh = task.forward(micro.get(j));
        List<O> parts = new ArrayList<>(cached);
        parts.set(j, fresh);
        LossTerms loss = task.loss(fresh.joined(parts));
        gc.backward(loss.total());
        last = new Pass<>(loss, fresh);
      }
    }
    return last;
  }

  /**
   * Trains from the current step to the config's total on {@code loader}'s batches (from the resumed position), appending
   * to {@code metrics} and checkpointing into {@code checkpoints}; {@code evaluator} may be null.
   *
   * @throws NonFiniteLossException at the first NaN or infinite loss; the last checkpoint on disk is the last good one
   */
  public Outcome run(Loader loader, Evaluator evaluator, Checkpoints checkpoints, MetricsLog metrics,
      TrainListener listener) throws IOException {
    long total = cfg.totalSteps();
    long perEpoch = cfg.stepsPerEpoch();
    runStart = System.nanoTime();
    task.module().train(true);
    listener.started(step, total, loader.describe());
    if (step == 0 && evaluator != null && cfg.cadence().zeroshotFrequency() > 0) {
      Map<String, Object> line = new LinkedHashMap<>(Map.of("step", 0L));
      line.putAll(evaluate(evaluator, listener));
      metrics.append(line);
    }
    try (Loader.Run batches = loader.open(manager, position)) {
      while (step < total) {
        if (stopRequested || StopRequest.requested()) {
          checkpoint(checkpoints, listener);
          return Outcome.STOPPED;
        }
        long t0 = System.nanoTime();
        int epoch = -1;
        StepResult r;
        try (NDScope scope = new NDScope()) {
          List<B> micro = new ArrayList<>(cfg.accumFreq());
          int samples = 0;
          for (int a = 0; a < cfg.accumFreq(); a++) {
            if (!batches.hasNext()) throw new IllegalStateException("the data ran out at step " + (step + 1) + " (" + loader.describe() + ")");
            Batch b = batches.next();
            if (epoch < 0) epoch = b.next().epoch();
            samples += b.size();
            micro.add(task.collate(b, manager));
          }
          r = step(micro, samples);
        }
        if (!r.finite()) throw nonFinite(r, checkpoints.latest());
        position = batches.position();
        double seconds = (System.nanoTime() - t0) / 1e9;
        StepMetrics m = new StepMetrics(step, epoch, r.losses(), r.lr(), r.gradNorm(), r.scalars(),
            (double) cfg.batchSize() * cfg.accumFreq() / seconds, Memory.residentMb());
        listener.stepped(m);
        Map<String, Object> line = m.toMap();
        boolean epochEnd = step % perEpoch == 0;
        long epochs = step / perEpoch;
        int zeroshot = cfg.cadence().zeroshotFrequency();
        if (evaluator != null && zeroshot > 0 && (step == total || epochEnd && epochs % zeroshot == 0)) {
          line.putAll(evaluate(evaluator, listener));
        }
        metrics.append(line);
        long every = cfg.cadence().saveEveryNSteps();
        if (step == total || epochEnd && epochs % cfg.cadence().saveFrequency() == 0 || every > 0 && step % every == 0) {
          checkpoint(checkpoints, listener);
        }
      }
    }
    return Outcome.COMPLETED;
  }

  private Map<String, Double> evaluate(Evaluator evaluator, TrainListener listener) {
    task.module().train(false);
    try (NDScope scope = new NDScope(); NoGrad ignored = NoGrad.open()) {
      Map<String, Double> result = evaluator.evaluate();
      listener.evaluated(step, result);
      return result;
    } finally {
      task.module().train(true);
    }
  }

  private void checkpoint(Checkpoints checkpoints, TrainListener listener) throws IOException {
    TrainerState s = new TrainerState(step, position, cfg.seed(), optimizer.stepCount(), samplesSeen, elapsedSeconds());
    listener.checkpointed(step, checkpoints.save(task, optimizer, s));
  }

  private NonFiniteLossException nonFinite(StepResult r, Optional<Path> lastGood) {
    StringBuilder terms = new StringBuilder();
    r.losses().forEach((k, v) -> terms.append(k).append('=').append(v).append(", "));
    return new NonFiniteLossException(step + 1, "step " + (step + 1) + " gave a non-finite loss or gradient (" + terms
        + "grad_norm=" + r.gradNorm() + ", lr=" + r.lr() + "); stopped before updating the weights. "
        + lastGood.map(p -> "The last good checkpoint is " + p + " (resume with --resume, or start again with a lower --lr)")
            .orElse("No checkpoint had been written yet."));
  }

  private static double scalar(NDArray a) {
    return a.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
  }

  /** A generator seed from (seed, step), folded to the int torch's manual_seed takes through DJL. */
  static int stepSeed(long seed, long step) {
    return (int) (SplitMix.mix(seed, step + 1) & 0x7FFFFFFF);
  }
}
