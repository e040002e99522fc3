package dev.vlt.models;

import ai.djl.ndarray.NDArray;

/**
 * The grounding capability: an image and a referring expression → the box the expression refers to. Boxes are in the
 * model's input frame, normalised to [0, 1] as (cx, cy, w, h); undoing the preprocessing to reach the original image's
 * pixels is the caller's job ({@code infer.Grounder}), so every grounding model answers the same way.
 */
public interface GroundingModel {
  /**
   * @param images [B, 3, S, S] normalised as the model's preprocessing does
   * @param ids [B, L] token ids of each image's expression, padded with {@link #padId()}
   */
  GroundingOutput ground(NDArray images, NDArray ids);

  /** The id that pads token rows (positions holding it are not attended to). */
  int padId();

  /**
   * What a grounding model returns.
   *
   * @param boxes [B, 4] normalised (cx, cy, w, h) in the model's input frame
   * @param scores [B] a confidence per box, or null for a model that only regresses a box (TransVG has no score)
   */
  record GroundingOutput(NDArray boxes, NDArray scores) {}
}
