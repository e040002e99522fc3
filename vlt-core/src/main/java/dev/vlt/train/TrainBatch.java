package dev.vlt.train;

import ai.djl.ndarray.NDArray;

/**
 * One micro-batch of image-text pairs.
 *
 * @param images normalised pixels [B, 3, S, S], float32
 * @param tokens token ids [B, L], int64, as the model's tokenizer gives them
 */
public record TrainBatch(NDArray images, NDArray tokens) {
  public TrainBatch {
    long b = images.getShape().get(0);
    if (tokens.getShape().get(0) != b) {
      throw new IllegalArgumentException("batch has " + b + " images but " + tokens.getShape().get(0) + " token rows");
    }
  }

  public int size() {
    return (int) images.getShape().get(0);
  }
}
