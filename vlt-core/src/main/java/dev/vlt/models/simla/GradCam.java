package dev.vlt.models.simla;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Grad-CAM over cross-attention (Selvaraju et al. 2017, as ALBEF and SimLA localise with it): for a text→image attention
 * map A and the gradient G of the matching score with respect to it, the heat of an image patch is ReLU(G ⊙ A) averaged
 * over heads and over the text's real tokens — where the text looked and where looking there raised the score.
 */
public final class GradCam {
  private GradCam() {}

  /**
   * @param weights the cross-attention weights [B, heads, L, 1 + N] of text tokens over the image's [CLS] and N patches
   * @param grads the score's gradient with respect to them, same shape
   * @param atts [B, L] 1 for a text token, 0 for padding (padding rows do not count)
   * @return heat over the patches [B, N] (the [CLS] key dropped), row-major on the patch grid
   */
  public static NDArray map(NDArray weights, NDArray grads, NDArray atts) {
    if (!weights.getShape().equals(grads.getShape())) {
      throw new IllegalArgumentException("weights " + weights.getShape() + " and gradients " + grads.getShape() + " differ");
    }
    NDArray cam = grads.mul(weights).maximum(0f).mean(new int[] {1});                    // [B, L, 1+N]
    NDArray keep = atts.toType(cam.getDataType(), false).expandDims(-1);                 // [B, L, 1]
    NDArray perText = cam.mul(keep).sum(new int[] {1}).div(keep.sum(new int[] {1}));     // [B, 1+N]
    return perText.get(new NDIndex(":, 1:"));
  }

  /** Row b of a [B, N] map as floats. */
  static float[] row(NDArray maps, int b) {
    return maps.get(b).toType(DataType.FLOAT32, false).toFloatArray();
  }
}
