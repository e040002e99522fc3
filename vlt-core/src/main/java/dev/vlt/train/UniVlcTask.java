package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vlt.data.Batch;
import dev.vlt.data.Sample;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.clip.ClipOutput;
import dev.vlt.objectives.LossTerms;
import dev.vlt.objectives.TimeOrderLoss;
import dev.vlt.objectives.UniVlcLoss;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Trace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OmniVL's UniVLC training over mixed batches of images and clips (the loader gives clips [B, 3, T, S, S] to a video
 * model, and images as still clips): pairs whose samples carry the same label, or whose chosen captions are the same
 * text, are positives of each other (see {@link UniVlcLoss}); keys as {@link UniclTask}'s (a label offset by 2^40, a
 * caption by its exact text).
 *
 * <p>{@code --loss-weight time_order=W} (default 0, OmniVL as published) adds {@link TimeOrderLoss}: each clip is also
 * encoded with its frames reversed, and its text must prefer the clip as it plays. A contrastive loss over captions
 * and labels asks for frame order only through the few in-batch negatives that differ in direction alone; this term
 * asks for it on every clip. Still clips (images) have no order and are left out of it. Measured on the omnivl
 * quickstart (weight 1, 700 steps of 32, seed 0): the term stayed at log 2 for the whole run and zero-shot fell to
 * chance, so the quickstart does not use it; it stays an option for longer runs and for finding out why.
 */
public final class UniVlcTask implements Task<UniclTask.UniclBatch, UniVlcTask.Outputs> {
  /** The loss term's name, and the key of its weight in {@code loss_weights}. */
  public static final String TIME_ORDER = "time_order";

  /**
   * Normalised features [B, E], exp(logit_scale), key ids [B]; with the time-order term also the reversed clips'
   * features [B, E] and which samples have an order [B] (1 a clip, 0 a still image), else both null.
   */
  public record Outputs(NDArray visual, NDArray text, NDArray logitScale, NDArray keys, NDArray reversed, NDArray ordered)
      implements StepOutput<Outputs> {
    @Override
    public Outputs joined(List<Outputs> parts) {
      boolean order = reversed != null;
      return new Outputs(StepOutput.rows(parts, Outputs::visual), StepOutput.rows(parts, Outputs::text), logitScale,
          StepOutput.rows(parts, Outputs::keys), order ? StepOutput.rows(parts, Outputs::reversed) : null,
          order ? StepOutput.rows(parts, Outputs::ordered) : null);
    }

    @Override
    public Map<String, NDArray> scalars() {
      return Map.of("logit_scale", logitScale);
    }
  }

  private final UniclTask unicl;
  private final ContrastiveModel model;
  private final double timeOrderWeight;

  public UniVlcTask(Module model, ModelWriter writer, Map<String, Double> lossWeights) {
    this.unicl = new UniclTask(model, writer, UniVlcTask::key, UniVlcLoss::compute,
        "UniVLC training needs a model that embeds images (or videos) and texts");
    for (String k : lossWeights.keySet()) {
      if (!k.equals(TIME_ORDER)) throw new IllegalArgumentException("univlc has no loss term '" + k + "' to weight (it has: " + TIME_ORDER + ")");
    }
    this.model = (ContrastiveModel) model;
    this.timeOrderWeight = lossWeights.getOrDefault(TIME_ORDER, 0.0);
    if (!(timeOrderWeight >= 0)) throw new IllegalArgumentException("loss weight " + TIME_ORDER + " must be >= 0, got " + timeOrderWeight);
  }

  static UniVlcTask of(Tasks.Context c) {
    return new UniVlcTask(c.model().module(), c.writer(), c.config().lossWeights());
  }

  /** A positive-group id: labelled samples group by label (labels as text), the rest by their caption's text. */
  static long key(Sample s, String caption) {
    return s.hasLabel() ? ((long) 1 << 40) + s.label() : caption.hashCode();
  }

  @Override
  public Module module() {
    return unicl.module();
  }

  @Override
  public UniclTask.UniclBatch collate(Batch batch, NDManager manager) {
    return unicl.collate(batch, manager);
  }

  @Override
  public Outputs forward(UniclTask.UniclBatch batch) {
    ClipOutput out = model.forward(batch.images(), batch.tokens(), Trace.NONE);
    NDArray reversed = null, ordered = null;
    if (timeOrderWeight > 0 && batch.images().getShape().dimension() == 5) {
      NDArray clips = batch.images();                                                        // [B, 3, T, S, S]
      reversed = Ops.l2Normalize(model.imageFeatures(clips.flip(2), Trace.NONE));
      try (NoGrad ng = NoGrad.open()) {
        long t = clips.getShape().get(2);
        NDArray change = clips.get(":, :, 0").sub(clips.get(":, :, " + (t - 1))).abs()
            .reshape(clips.getShape().get(0), -1).max(new int[] {1});                       // [B]
        ordered = change.gt(0).toType(DataType.FLOAT32, false);
      }
    }
    return new Outputs(out.imageFeatures(), out.textFeatures(), out.logitScale(), batch.keys(), reversed, ordered);
  }

  @Override
  public LossTerms loss(Outputs o) {
    NDArray univlc = UniVlcLoss.compute(o.visual(), o.text(), o.logitScale(), o.keys()).total();
    if (o.reversed() == null) return LossTerms.of("univlc_loss", univlc);
    Map<String, NDArray> terms = new LinkedHashMap<>();
    terms.put("univlc_loss", univlc);
    NDArray order = TimeOrderLoss.value(o.visual(), o.reversed(), o.text(), o.logitScale(), o.ordered());
    terms.put(TIME_ORDER + "_loss", order.mul(order.getManager().create((float) timeOrderWeight)));
    return new LossTerms(terms);
  }

  @Override
  public void afterStep() {
    unicl.afterStep();
  }

  @Override
  public void saveModel(Path dir) throws IOException {
    unicl.saveModel(dir);
  }
}
