package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vlt.models.Models;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.models.clip.Clip;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * CLIP pretraining: image and text features of matching pairs pulled together, either by CLIP's symmetric InfoNCE or by
 * SigLIP's pairwise sigmoid loss. The sigmoid loss needs a learned bias, which open_clip keeps at the model root
 * ({@code logit_bias}); here it lives in the task's module beside the CLIP, so it is trained and checkpointed.
 */
public final class ClipTask implements Task {
  /** open_clip clamps the temperature to [0, ln 100] after each step, as the CLIP paper does. */
  public static final double MAX_LOGIT_SCALE = Math.log(100);

  public enum Objective { CONTRASTIVE, SIGMOID }

  private final Clip clip;
  private final PreprocessConfig preprocess;
  private final List<Path> tokenizerFiles;
  private final Objective objective;
  private final Module module;
  private final Parameter logitBias;

  /**
   * @param tokenizerFiles copied into every saved model folder (e.g. vocab.json + merges.txt), so the folder carries its
   *     tokenizer; empty when the model uses CLIP's default BPE
   * @param manager owns the logit bias of the sigmoid objective
   */
  public ClipTask(Clip clip, PreprocessConfig preprocess, List<Path> tokenizerFiles, Objective objective, double initLogitBias,
      NDManager manager) {
    this.clip = clip;
    this.preprocess = preprocess;
    this.tokenizerFiles = List.copyOf(tokenizerFiles);
    this.objective = objective;
    if (objective == Objective.SIGMOID) {
      WithBias m = new WithBias(clip);
      m.bias.set(manager.create((float) initLogitBias));
      module = m;
      logitBias = m.bias;
    } else {
      module = clip;
      logitBias = null;
    }
  }

  /** CLIP with open_clip's SigLIP bias at the root of the state dict. */
  private static final class WithBias extends Module {
    final Parameter bias;

    WithBias(Clip clip) {
      inline(clip);
      bias = param("logit_bias", Init.ZEROS);  // shape []: set from the task's initial value
    }
  }

  public Clip clip() {
    return clip;
  }

  public Objective objective() {
    return objective;
  }

  @Override
  public Module module() {
    return module;
  }

  @Override
  public TaskOutput forward(TrainBatch batch) {
    ClipOutput out = clip.forward(batch.images(), batch.tokens(), Trace.NONE);
    Map<String, NDArray> shared = logitBias == null
        ? Map.of("logit_scale", out.logitScale())
        : Map.of("logit_scale", out.logitScale(), "logit_bias", logitBias.value());
    return new TaskOutput(Map.of("image_features", out.imageFeatures(), "text_features", out.textFeatures()), shared);
  }

  @Override
  public LossTerms loss(TaskOutput o) {
    NDArray img = o.perSample().get("image_features");
    NDArray txt = o.perSample().get("text_features");
    NDArray scale = o.shared().get("logit_scale");
    return objective == Objective.SIGMOID
        ? SigmoidLoss.compute(img, txt, scale, o.shared().get("logit_bias"))
        : ContrastiveLoss.compute(img, txt, scale);
  }

  @Override
  public void afterStep() {
    NDArray s = clip.logitScale().value();
    float v = s.getFloat();
    if (v < 0 || v > MAX_LOGIT_SCALE) {
      try (NoGrad ignored = NoGrad.open()) {
        s.set(new float[] {(float) Math.max(0, Math.min(MAX_LOGIT_SCALE, v))});
      }
    }
  }

  @Override
  public void saveModel(Path dir) throws IOException {
    Models.save(clip, preprocess, dir);
    for (Path f : tokenizerFiles) Files.copy(f, dir.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
  }
}
