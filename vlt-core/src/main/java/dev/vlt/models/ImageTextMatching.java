package dev.vlt.models;

import ai.djl.ndarray.NDArray;

/**
 * The image-text matching capability (ITM): the probability that a text describes an image, from a head that reads the
 * two fused (ALBEF's matching head, METER's over pooled text and image). Pairs are scored row by row, not all against
 * all: fusion models pay a joint forward per pair.
 */
public interface ImageTextMatching {
  /**
   * images [B, 3, S, S] normalised pixels; ids [B, L] token ids and atts [B, L] (1 for a token, 0 for padding): row b of
   * each is one pair → P(match) [B] in [0, 1].
   */
  NDArray matchProbability(NDArray images, NDArray ids, NDArray atts);
}
