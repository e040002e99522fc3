package dev.vlt.data;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * One collated batch. {@code images} is [B, 3, S, S] float32, normalised; {@code captions} holds the caption chosen per
 * sample ("" when a sample has none); {@code tokens} is [B][*] from the loader's tokenizer, or null without one.
 * {@code next} is where to resume to continue right after this batch.
 */
public record Batch(NDArray images, List<Sample> samples, List<String> captions, long[][] tokens, Loader.Position next) {
  public int size() {
    return samples.size();
  }

  /** Labels per sample ({@link Sample#NO_LABEL} where absent), for classification. */
  public int[] labels() {
    return samples.stream().mapToInt(Sample::label).toArray();
  }
}
