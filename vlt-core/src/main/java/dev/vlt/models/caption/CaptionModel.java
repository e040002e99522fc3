package dev.vlt.models.caption;

import ai.djl.ndarray.NDArray;

/**
 * The caption-generation capability: a decoder that writes text conditioned on an image, one token at a time
 * ({@link Generator} runs the search). Models that also have the image-text similarity capability can re-rank their
 * candidate captions with it ({@link Decoding.Rerank}).
 */
public interface CaptionModel {
  /** images [B, 3, S, S] → the decoder's image tokens and, where the model has one, its contrastive image latent. */
  ImageEncoding encodeForDecoding(NDArray images);

  /** Next-token logits: the decoder over {@code prefix} [B, n] given image tokens [B, S, E] → [B, vocab] for position n. */
  NDArray nextTokenLogits(NDArray imageTokens, NDArray prefix);

  /** The decoder's vocabulary size. */
  int vocabSize();

  /** The longest sequence (start token included) the model can decode. */
  int maxDecodeLength();
}
