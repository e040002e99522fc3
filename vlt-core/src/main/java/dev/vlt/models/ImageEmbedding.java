package dev.vlt.models;

import ai.djl.ndarray.NDArray;

/** The image-embedding capability: images into the model's joint space (embed, index, search, serve, eval). */
public interface ImageEmbedding {
  /** images [B, 3, S, S] normalised pixels → [B, E]; L2-normalised when {@code normalize}. */
  NDArray encodeImage(NDArray images, boolean normalize);

  /** The input image side in pixels. */
  int imageSize();

  /** The joint embedding's width E. */
  int embedDim();
}
