package dev.vlt.experiment;

import ai.djl.ndarray.NDArray;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.clip.ClipOutput;
import dev.vlt.objectives.ContrastiveLoss;
import dev.vlt.objectives.LossTerms;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Trace;
import dev.vlt.train.ClipTask;
import dev.vlt.train.Task;
import dev.vlt.train.TaskOutput;
import dev.vlt.train.TrainBatch;
import java.nio.file.Path;
import java.util.Map;

/**
 * CLIP's contrastive objective for any {@link ContrastiveModel} (MS-CLIP at any point of its spectrum), so the
 * {@link dev.vlt.train.Trainer} trains it exactly as it trains CLIP through {@link ClipTask}: the same outputs, the
 * symmetric InfoNCE loss and the temperature clamp after each step. Experiments write their own model folders, so
 * {@link #saveModel} is not used.
 */
final class ContrastiveTask<M extends Module & ContrastiveModel> implements Task {
  private final M model;

  ContrastiveTask(M model) {
    this.model = model;
  }

  @Override
  public Module module() {
    return model;
  }

  @Override
  public TaskOutput forward(TrainBatch batch) {
    ClipOutput out = model.forward(batch.images(), batch.tokens(), Trace.NONE);
    return new TaskOutput(Map.of("image_features", out.imageFeatures(), "text_features", out.textFeatures()),
        Map.of("logit_scale", out.logitScale()));
  }

  @Override
  public LossTerms loss(TaskOutput o) {
    return ContrastiveLoss.compute(o.perSample().get("image_features"), o.perSample().get("text_features"),
        o.shared().get("logit_scale"));
  }

  /** open_clip's clamp of the temperature to [0, ln 100], as {@link ClipTask#afterStep}. */
  @Override
  public void afterStep() {
    NDArray s = model.logitScale().value();
    float v = s.getFloat();
    if (v < 0 || v > ClipTask.MAX_LOGIT_SCALE) {
      try (NoGrad ignored = NoGrad.open()) {
        s.set(new float[] {(float) Math.max(0, Math.min(ClipTask.MAX_LOGIT_SCALE, v))});
      }
    }
  }

  @Override
  public void saveModel(Path dir) {
    throw new UnsupportedOperationException("experiment runs are saved by the ExperimentRunner");
  }
}
