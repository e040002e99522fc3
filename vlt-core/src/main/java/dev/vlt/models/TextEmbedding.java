package dev.vlt.models;

import ai.djl.ndarray.NDArray;

/** The text-embedding capability: token ids into the model's joint space (embed, search queries, zero-shot classifiers). */
public interface TextEmbedding {
  /** ids [B, L] token ids → [B, E]; L2-normalised when {@code normalize}. */
  NDArray encodeText(NDArray ids, boolean normalize);

  /** The text context length L in tokens. */
  int contextLength();

  /** The joint embedding's width E. */
  int embedDim();
}
