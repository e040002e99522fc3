package dev.vlt.models;

import ai.djl.ndarray.NDArray;

/**
 * The segmentation capability: every image patch embedded in the text embedding's space, so each patch (and through
 * upsampling each pixel) can be labelled by the text it matches best — open-vocabulary semantic segmentation with any
 * label set. PACL trains this alignment; a CLIP has it through its patch tokens and image projection (the baseline).
 */
public interface PatchTextSimilarity extends TextEmbedding {
  /**
   * images [B, 3, S, S] normalised pixels → patch embeddings [B, g·g, E] in the text embedding's space, row-major over
   * the g×g patch grid (patch (row r, column c) is index r·g + c); L2-normalised when {@code normalize}.
   */
  NDArray encodePatches(NDArray images, boolean normalize);

  /** The input image side S in pixels. */
  int imageSize();

  /** The patch grid's side g (S / patch size). */
  int patchGrid();

  /**
   * The patch-text cosine, relative to the label's mean over the image, below which a pixel is background when a command
   * is given no threshold: −∞ (every pixel gets its best label) unless the model records one chosen on validation data.
   */
  default double backgroundThreshold() {
    return Double.NEGATIVE_INFINITY;
  }
}
