package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vlt.data.Batch;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.pacl.Pacl;
import dev.vlt.objectives.LossTerms;
import dev.vlt.objectives.PatchAlignedLoss;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Trace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * PACL training: patch-aligned contrastive learning on image-caption pairs. A PACL model trains as it is; a CLIP (a
 * folder given with {@code --pretrained}, a downloaded one included) becomes a PACL whose embedder starts as the CLIP's
 * image projection, and the trained model folder is a PACL folder. As in the paper, towers that come trained stay frozen
 * and only the patch embedder and the temperature learn ({@code pacl}); {@code pacl-unfrozen} trains the towers too. A
 * model with fresh random weights (a registry config such as {@code pacl-shapes-small}) has no towers worth keeping, so
 * {@code pacl} trains them as well.
 */
public final class PaclTask implements Task<TrainBatch, PaclTask.Outputs> {
  /**
   * One micro-batch's outputs.
   *
   * @param patches embedded patches [B, P, E], not normalised
   * @param text normalised text embeddings [B, E]
   * @param logitScale exp(logit_scale), shape []
   */
  public record Outputs(NDArray patches, NDArray text, NDArray logitScale) implements StepOutput<Outputs> {
    @Override
    public Outputs joined(List<Outputs> parts) {
      return new Outputs(StepOutput.rows(parts, Outputs::patches), StepOutput.rows(parts, Outputs::text), logitScale);
    }

    @Override
    public Map<String, NDArray> scalars() {
      return Map.of("logit_scale", logitScale);
    }
  }

  private final Pacl model;
  private final ModelWriter writer;
  private final boolean towersFrozen;

  /**
   * @param freezeTowers keep CLIP's towers as they are and train only the embedder and the temperature
   * @param writer writes the trained model folder (config, weights, tokenizer files)
   */
  public PaclTask(Pacl model, boolean freezeTowers, ModelWriter writer) {
    this.model = model;
    this.writer = writer;
    this.towersFrozen = freezeTowers;
    if (freezeTowers) {
      model.clip().freeze(true);
      model.logitScale().setFrozen(false);
    }
  }

  /** The task for {@code vlt train}: the model as a PACL, its towers frozen when {@code freeze} and they come trained. */
  static PaclTask create(Tasks.Context c, boolean freeze) {
    LoadedModel lm = c.model();
    boolean pretrained = c.config().pretrained() != null;
    if (lm.module() instanceof Pacl p) return new PaclTask(p, freeze && pretrained, c.writer());
    if (lm.module() instanceof Clip clip) {
      Pacl p = Pacl.over(clip, c.config().seed(), lm.manager());
      // the run's writer saves the CLIP folder with its tokenizer files; the PACL config and weights then replace CLIP's
      ModelWriter w = dir -> {
        c.writer().write(dir);
        Models.save(p, lm.preprocess(), dir);
      };
      return new PaclTask(p, freeze && pretrained, w);
    }
    throw new IllegalArgumentException("PACL trains over a CLIP's towers; " + lm.describe() + " is a " + lm.architecture().title() + " model");
  }

  public boolean towersFrozen() {
    return towersFrozen;
  }

  public Pacl pacl() {
    return model;
  }

  @Override
  public Module module() {
    return model;
  }

  @Override
  public TrainBatch collate(Batch batch, NDManager manager) {
    return new TrainBatch(batch.images(), manager.create(batch.tokens()).toType(DataType.INT64, false));
  }

  @Override
  public Outputs forward(TrainBatch batch) {
    NDArray patches = model.encodePatches(batch.images(), false);
    NDArray text = model.clip().textFeatures(batch.tokens(), Trace.NONE);
    return new Outputs(patches, dev.vlt.tensor.Ops.l2Normalize(text), model.logitScale().value().exp());
  }

  @Override
  public LossTerms loss(Outputs o) {
    return PatchAlignedLoss.compute(o.patches(), o.text(), o.logitScale());
  }

  @Override
  public void afterStep() {
    ContrastiveTask.clampLogitScale(model.logitScale());
  }

  @Override
  public void saveModel(Path dir) throws IOException {
    writer.write(dir);
  }
}
