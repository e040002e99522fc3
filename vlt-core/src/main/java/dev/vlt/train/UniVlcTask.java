package dev.vlt.train;

import dev.vlt.data.Sample;
import dev.vlt.objectives.UniVlcLoss;
import dev.vlt.tensor.Module;

/**
 * OmniVL's UniVLC training over mixed batches of images and clips (the loader gives clips [B, 3, T, S, S] to a video
 * model, and images as still clips): pairs whose samples carry the same label, or whose chosen captions are the same
 * text, are positives of each other (see {@link UniVlcLoss}). It is {@link UniclTask}'s training with UniVLC's keys (a
 * label offset by 2^40, a caption by its exact text) and loss terms.
 */
public final class UniVlcTask {
  private UniVlcTask() {}

  public static UniclTask create(Module model, ModelWriter writer) {
    return new UniclTask(model, writer, UniVlcTask::key, UniVlcLoss::compute,
        "UniVLC training needs a model that embeds images (or videos) and texts");
  }

  /** A positive-group id: labelled samples group by label (labels as text), the rest by their caption's text. */
  static long key(Sample s, String caption) {
    return s.hasLabel() ? ((long) 1 << 40) + s.label() : caption.hashCode();
  }
}
