package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vlt.data.Batch;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.clip.ClipOutput;
import dev.vlt.objectives.ContrastiveLoss;
import dev.vlt.objectives.LossTerms;
import dev.vlt.objectives.SigmoidLoss;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Contrastive image-text pretraining of any model with the image-text similarity capability (CLIP, MS-CLIP, CoCa's
 * towers): matching pairs pulled together by CLIP's symmetric InfoNCE or by SigLIP's pairwise sigmoid loss. The sigmoid
 * loss needs a learned bias, which open_clip keeps at the model root ({@code logit_bias}); here it lives in the task's
 * module beside the model, so it is trained and checkpointed.
 */
public final class ContrastiveTask implements Task<TrainBatch, ContrastiveTask.Outputs> {
  /** open_clip clamps the temperature to [0, ln 100] after each step, as the CLIP paper does. */
  public static final double MAX_LOGIT_SCALE = Math.log(100);

  public enum Objective { CONTRASTIVE, SIGMOID }

  /**
   * One micro-batch's outputs.
   *
   * @param imageFeatures normalised [B, E]
   * @param textFeatures normalised [B, E]
   * @param logitScale exp(logit_scale), shape []
   * @param logitBias SigLIP's bias, shape [], or null
   */
  public record Outputs(NDArray imageFeatures, NDArray textFeatures, NDArray logitScale, NDArray logitBias)
      implements StepOutput<Outputs> {
    @Override
    public Outputs joined(List<Outputs> parts) {
      return new Outputs(StepOutput.rows(parts, Outputs::imageFeatures), StepOutput.rows(parts, Outputs::textFeatures),
          logitScale, logitBias);
    }

    @Override
    public Map<String, NDArray> scalars() {
      return logitBias == null ? Map.of("logit_scale", logitScale) : Map.of("logit_scale", logitScale, "logit_bias", logitBias);
    }
  }

  private final ContrastiveModel model;
  private final Objective objective;
  private final Module module;
  private final Parameter logitBias;
  private final ModelWriter writer;

  /**
   * @param model a module with the image-text similarity capability
   * @param initLogitBias the sigmoid objective's starting bias (SigLIP: −10)
   * @param manager owns the logit bias of the sigmoid objective
   */
  public ContrastiveTask(Module model, Objective objective, double initLogitBias, NDManager manager, ModelWriter writer) {
    if (!(model instanceof ContrastiveModel c)) {
      throw new IllegalArgumentException("contrastive training needs a model that embeds images and texts; "
          + model.getClass().getSimpleName() + " does not");
    }
    this.model = c;
    this.objective = objective;
    this.writer = writer;
    if (objective == Objective.SIGMOID) {
      WithBias m = new WithBias(model);
      m.bias.set(manager.create((float) initLogitBias));
      module = m;
      logitBias = m.bias;
    } else {
      module = model;
      logitBias = null;
    }
  }

  /** The model with open_clip's SigLIP bias at the root of the state dict. */
  private static final class WithBias extends Module {
    final Parameter bias;

    WithBias(Module model) {
      inline(model);
      bias = param("logit_bias", Init.ZEROS);  // shape []: set from the task's initial value
    }
  }

  public Objective objective() {
    return objective;
  }

  @Override
  public Module module() {
    return module;
  }

  @Override
  public TrainBatch collate(Batch batch, NDManager manager) {
    return new TrainBatch(batch.images(), manager.create(batch.tokens()).toType(DataType.INT64, false));
  }

  @Override
  public Outputs forward(TrainBatch batch) {
    ClipOutput out = model.forward(batch.images(), batch.tokens(), Trace.NONE);
    return new Outputs(out.imageFeatures(), out.textFeatures(), out.logitScale(), logitBias == null ? null : logitBias.value());
  }

  @Override
  public LossTerms loss(Outputs o) {
    return objective == Objective.SIGMOID
        ? SigmoidLoss.compute(o.imageFeatures(), o.textFeatures(), o.logitScale(), o.logitBias())
        : ContrastiveLoss.compute(o.imageFeatures(), o.textFeatures(), o.logitScale());
  }

  @Override
  public void afterStep() {
    clampLogitScale(model.logitScale());
  }

  /** open_clip_train's clamp of a temperature to [0, ln 100] after a step. */
  static void clampLogitScale(Parameter logitScale) {
    NDArray s = logitScale.value();
    float v = s.getFloat();
    if (v < 0 || v > MAX_LOGIT_SCALE) {
      try (NoGrad ignored = NoGrad.open()) {
        s.set(new float[] {(float) Math.max(0, Math.min(MAX_LOGIT_SCALE, v))});
      }
    }
  }

  @Override
  public void saveModel(Path dir) throws IOException {
    writer.write(dir);
  }
}
