package dev.vlt.models;

import ai.djl.ndarray.NDArray;

/** The video-embedding capability: clips into the model's joint space (embed, classify, index videos). */
public interface VideoEmbedding {
  /** clips [B, 3, T, S, S] normalised pixels, T = {@link #frames()} → [B, E]; L2-normalised when {@code normalize}. */
  NDArray encodeVideo(NDArray clips, boolean normalize);

  /** Frames T per clip the model takes; a video of any length is sampled to T frames. */
  int frames();

  /** The frame side in pixels. */
  int imageSize();

  /** The joint embedding's width E. */
  int embedDim();
}
