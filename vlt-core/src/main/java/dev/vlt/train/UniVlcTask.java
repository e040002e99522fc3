package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vlt.data.Batch;
import dev.vlt.data.Sample;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.clip.ClipOutput;
import dev.vlt.objectives.LossTerms;
import dev.vlt.objectives.UniVlcLoss;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Trace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * OmniVL's UniVLC training over mixed batches of images and clips (the loader gives clips [B, 3, T, S, S] to a video
 * model, and images as still clips): pairs whose samples carry the same label, or whose chosen captions are the same
 * text, are positives of each other (see {@link UniVlcLoss}).
 */
public final class UniVlcTask implements Task<UniVlcTask.Input, UniVlcTask.Outputs> {
  /** @param keys [B] int64: the sample's label, or its caption's text, as a positive-group id */
  public record Input(NDArray pixels, NDArray tokens, NDArray keys) {}

  /** @param keys [B] the positive-group ids, joined with the features across micro-batches */
  public record Outputs(NDArray visualFeatures, NDArray textFeatures, NDArray logitScale, NDArray keys)
      implements StepOutput<Outputs> {
    @Override
    public Outputs joined(List<Outputs> parts) {
      return new Outputs(StepOutput.rows(parts, Outputs::visualFeatures), StepOutput.rows(parts, Outputs::textFeatures),
          logitScale, StepOutput.rows(parts, Outputs::keys));
    }

    @Override
    public Map<String, NDArray> scalars() {
      return Map.of("logit_scale", logitScale);
    }
  }

  private final ContrastiveModel model;
  private final Module module;
  private final ModelWriter writer;

  public UniVlcTask(Module model, ModelWriter writer) {
    if (!(model instanceof ContrastiveModel c)) {
      throw new IllegalArgumentException("UniVLC training needs a model that embeds images (or videos) and texts; "
          + model.getClass().getSimpleName() + " does not");
    }
    this.model = c;
    this.module = model;
    this.writer = writer;
  }

  /** A positive-group id: labelled samples group by label (labels as text), the rest by their caption's text. */
  static long key(Sample s, String caption) {
    return s.hasLabel() ? ((long) 1 << 40) + s.label() : caption.hashCode();
  }

  @Override
  public Module module() {
    return module;
  }

  @Override
  public Input collate(Batch batch, NDManager manager) {
    long[] keys = new long[batch.size()];
    for (int i = 0; i < keys.length; i++) keys[i] = key(batch.samples().get(i), batch.captions().get(i));
    return new Input(batch.images(), manager.create(batch.tokens()).toType(DataType.INT64, false), manager.create(keys));
  }

  @Override
  public Outputs forward(Input batch) {
    ClipOutput out = model.forward(batch.pixels(), batch.tokens(), Trace.NONE);
    return new Outputs(out.imageFeatures(), out.textFeatures(), out.logitScale(), batch.keys());
  }

  @Override
  public LossTerms loss(Outputs o) {
    return UniVlcLoss.compute(o.visualFeatures(), o.textFeatures(), o.logitScale(), o.keys());
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
