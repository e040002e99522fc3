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

  private final ContrastiveModel model;
  private final Module module;
  private final ModelWriter writer;

  public UniclTask(Module model, ModelWriter writer) {
    if (!(model instanceof ContrastiveModel c)) {
      throw new IllegalArgumentException("unicl needs a model that embeds images and texts; " + model.getClass().getSimpleName() + " does not");
    }
    this.model = c;
    this.module = model;
    this.writer = writer;
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
    long[] keys = new long[batch.size()];
    for (int i = 0; i < keys.length; i++) keys[i] = key(batch.samples().get(i), batch.captions().get(i));
    return new UniclBatch(batch.images(), manager.create(batch.tokens()).toType(DataType.INT64, false), manager.create(keys));
  }

  @Override
  public Outputs forward(UniclBatch batch) {
    ClipOutput out = model.forward(batch.images(), batch.tokens(), Trace.NONE);
    return new Outputs(out.imageFeatures(), out.textFeatures(), out.logitScale(), batch.keys());
  }

  @Override
  public LossTerms loss(Outputs o) {
    return UniclLoss.compute(o.imageFeatures(), o.textFeatures(), o.logitScale(), o.keys());
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
