package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.vlt.data.Batch;
import dev.vlt.data.Sample;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.clip.ClipOutput;
import dev.vlt.models.coca.Coca;
import dev.vlt.models.coca.CocaOutput;
import dev.vlt.models.omnivl.OmniVl;
import dev.vlt.objectives.CaptionLoss;
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
 * asks for it on every clip. Still clips (images) have no order and are left out of it. Measured on the frame-wise
 * OmniVL of session 8 (weight 1, 700 steps of 32, seed 0): the term stayed at log 2 for the whole run and zero-shot fell
 * to chance, so the quickstart does not use it (what made OmniVL read order is in docs/omnivl-frame-order.md).
 *
 * <p>An OmniVL with its caption decoder also trains the decoder: {@code caption_loss}, the next-token cross-entropy of
 * every sample's chosen caption (or label text) given every frame's tokens, weighted by {@code --loss-weight
 * caption=W} (default 1; 0 freezes the decoder). Unlike the contrastive term, it asks every clip for the words that only frame order tells
 * ("left" or "right", "grows" or "shrinks").
 */
public final class UniVlcTask implements Task<UniclTask.UniclBatch, UniVlcTask.Outputs> {
  /** The loss terms' names, and the keys of their weights in {@code loss_weights}. */
  public static final String TIME_ORDER = "time_order";
  public static final String CAPTION = "caption";

  /**
   * Normalised features [B, E], exp(logit_scale), key ids [B]; with the time-order term also the reversed clips'
   * features [B, E] and which samples have an order [B] (1 a clip, 0 a still image), else both null; with the caption
   * decoder its next-token logits [B, L - 1, V] and labels [B, L - 1], else both null.
   */
  public record Outputs(NDArray visual, NDArray text, NDArray logitScale, NDArray keys, NDArray reversed, NDArray ordered,
      NDArray captionLogits, NDArray captionLabels) implements StepOutput<Outputs> {
    @Override
    public Outputs joined(List<Outputs> parts) {
      boolean order = reversed != null, caption = captionLogits != null;
      return new Outputs(StepOutput.rows(parts, Outputs::visual), StepOutput.rows(parts, Outputs::text), logitScale,
          StepOutput.rows(parts, Outputs::keys), order ? StepOutput.rows(parts, Outputs::reversed) : null,
          order ? StepOutput.rows(parts, Outputs::ordered) : null,
          caption ? StepOutput.rows(parts, Outputs::captionLogits) : null, caption ? StepOutput.rows(parts, Outputs::captionLabels) : null);
    }

    @Override
    public Map<String, NDArray> scalars() {
      return Map.of("logit_scale", logitScale);
    }
  }

  private final UniclTask unicl;
  private final ContrastiveModel model;
  /** The OmniVL whose caption decoder trains too, or null (no decoder, or another model: InternVideo's fusion stage). */
  private final OmniVl captioner;
  private final double timeOrderWeight;
  private final double captionWeight;

  public UniVlcTask(Module model, ModelWriter writer, Map<String, Double> lossWeights) {
    this.unicl = new UniclTask(model, writer, UniVlcTask::key, UniVlcLoss::compute,
        "UniVLC training needs a model that embeds images (or videos) and texts");
    this.model = (ContrastiveModel) model;
    this.captioner = model instanceof OmniVl o && o.hasDecoder() ? o : null;
    List<String> terms = captioner != null ? List.of(TIME_ORDER, CAPTION) : List.of(TIME_ORDER);
    for (String k : lossWeights.keySet()) {
      if (!terms.contains(k)) {
        throw new IllegalArgumentException("univlc has no loss term '" + k + "' to weight for this model (it has: "
            + String.join(", ", terms) + (k.equals(CAPTION) ? "; caption needs an OmniVL with a decoder_cfg" : "") + ")");
      }
    }
    this.timeOrderWeight = lossWeights.getOrDefault(TIME_ORDER, 0.0);
    this.captionWeight = lossWeights.getOrDefault(CAPTION, 1.0);
    for (String k : terms) {
      double w = k.equals(CAPTION) ? captionWeight : timeOrderWeight;
      if (!(w >= 0)) throw new IllegalArgumentException("loss weight " + k + " must be >= 0, got " + w);
    }
    // caption=0 trains the dual encoder alone; the decoder, which then gets no gradient, is frozen so weight decay
    // does not shrink it either
    if (captioner != null && captionWeight == 0) captioner.freezeDecoder(true);
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
    NDArray visual, text, scale, logits = null, labels = null;
    if (captioner != null && captionWeight > 0) {
      CocaOutput out = captioner.captionForward(batch.images(), batch.tokens());
      visual = out.imageFeatures();
      text = out.textFeatures();
      scale = out.logitScale();
      logits = out.captionLogits();
      labels = out.captionLabels();
    } else {
      ClipOutput out = model.forward(batch.images(), batch.tokens(), Trace.NONE);
      visual = out.imageFeatures();
      text = out.textFeatures();
      scale = out.logitScale();
    }
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
    return new Outputs(visual, text, scale, batch.keys(), reversed, ordered, logits, labels);
  }

  @Override
  public LossTerms loss(Outputs o) {
    NDArray univlc = UniVlcLoss.compute(o.visual(), o.text(), o.logitScale(), o.keys()).total();
    if (o.reversed() == null && o.captionLogits() == null) return LossTerms.of("univlc_loss", univlc);
    Map<String, NDArray> terms = new LinkedHashMap<>();
    terms.put("univlc_loss", univlc);
    if (o.reversed() != null) {
      NDArray order = TimeOrderLoss.value(o.visual(), o.reversed(), o.text(), o.logitScale(), o.ordered());
      terms.put(TIME_ORDER + "_loss", Ops.mul(order, timeOrderWeight));
    }
    if (o.captionLogits() != null) {
      terms.put(CAPTION + "_loss", Ops.mul(CaptionLoss.compute(o.captionLogits(), o.captionLabels(), Coca.PAD_ID), captionWeight));
    }
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
