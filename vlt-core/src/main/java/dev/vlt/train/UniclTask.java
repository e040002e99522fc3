package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vlt.data.Batch;
import dev.vlt.data.Sample;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.clip.ClipOutput;
import dev.vlt.objectives.LossTerms;
import dev.vlt.objectives.UniclLoss;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Trace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * UniCL (Florence) on any model with the image-text similarity capability, over mixed batches of image-label samples and
 * image-text pairs ({@code --data mix:LABELS,PAIRS}). Keys: a labelled sample's key is its class, so two images of one class
 * are positives whatever templates caption them; an unlabelled pair's key is its caption text as trained, after
 * lower-casing and trimming, so identical captions (ShapesWorld repeats "a small red circle" within a batch, which
 * plain CLIP treats as negatives) are positives too. Class keys and caption keys never meet.
 */
public final class UniclTask implements Task<UniclTask.UniclBatch, UniclTask.Outputs> {
  /** One micro-batch: pixels, token ids, and each sample's key id [B] (int64). */
  public record UniclBatch(NDArray images, NDArray tokens, NDArray keys) {}

  /** Normalised features [B, E], exp(logit_scale), key ids [B]. */
  public record Outputs(NDArray imageFeatures, NDArray textFeatures, NDArray logitScale, NDArray keys) implements StepOutput<Outputs> {
    @Override
    public Outputs joined(List<Outputs> parts) {
      return new Outputs(StepOutput.rows(parts, Outputs::imageFeatures), StepOutput.rows(parts, Outputs::textFeatures), logitScale,
          StepOutput.rows(parts, Outputs::keys));
    }

    @Override
    public Map<String, NDArray> scalars() {
      return Map.of("logit_scale", logitScale);
    }
  }

  /** A sample's positive-group id, from the sample and the caption the loader chose for it. */
  interface Keys {
    long key(Sample sample, String caption);
  }

  /** The loss over one step's outputs: features, exp(logit_scale) and key ids. */
  interface Loss {
    LossTerms compute(NDArray image, NDArray text, NDArray logitScale, NDArray keys);
  }

  private final ContrastiveModel model;
  private final Module module;
  private final ModelWriter writer;
  private final Keys keys;
  private final Loss loss;

  public UniclTask(Module model, ModelWriter writer) {
    this(model, writer, UniclTask::key, UniclLoss::compute, "unicl needs a model that embeds images and texts");
  }

  /**
   * The same training with other keys and loss terms (OmniVL's UniVLC, see {@link UniVlcTask}).
   *
   * @param need what the refusal of a model without image-text similarity says first
   */
  UniclTask(Module model, ModelWriter writer, Keys keys, Loss loss, String need) {
    if (!(model instanceof ContrastiveModel c)) {
      throw new IllegalArgumentException(need + "; " + model.getClass().getSimpleName() + " does not");
    }
    this.model = c;
    this.module = model;
    this.writer = writer;
    this.keys = keys;
    this.loss = loss;
  }

  /**
   * A sample's key as a 64-bit id: its class for labelled data, else its caption (FNV-1a of the normalised text, with the
   * top bit set so it cannot equal a class id).
   */
  static long key(Sample sample, String caption) {
    if (sample.hasLabel()) return sample.label();
    long h = 0xcbf29ce484222325L;
    for (byte b : caption.strip().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h | Long.MIN_VALUE;
  }

  @Override
  public Module module() {
    return module;
  }

  @Override
  public UniclBatch collate(Batch batch, NDManager manager) {
    long[] ids = new long[batch.size()];
    for (int i = 0; i < ids.length; i++) ids[i] = keys.key(batch.samples().get(i), batch.captions().get(i));
    return new UniclBatch(batch.images(), manager.create(batch.tokens()).toType(DataType.INT64, false), manager.create(ids));
  }

  @Override
  public Outputs forward(UniclBatch batch) {
    ClipOutput out = model.forward(batch.images(), batch.tokens(), Trace.NONE);
    return new Outputs(out.imageFeatures(), out.textFeatures(), out.logitScale(), batch.keys());
  }

  @Override
  public LossTerms loss(Outputs o) {
    return loss.compute(o.imageFeatures(), o.textFeatures(), o.logitScale(), o.keys());
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
