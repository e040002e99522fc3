package dev.vlt.models.loupe;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.Activation;
import dev.vlt.nn.Linear;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;

/**
 * LOUPE's region-generation head, as a correction to the CLIP's own patch embedding: Δ(x) = fc2(gelu(fc1(x))) on each
 * patch token, added to its projection before the patch is compared with a phrase. fc2 starts at zero, so the head
 * starts as the plain patch-phrase cosine, and what it learns comes from the interaction pseudo-labels alone.
 */
public final class RegionHead extends Module {
  private final Linear fc1;
  private final Linear fc2;

  public RegionHead(int width, int hidden, int embedDim) {
    fc1 = child("mlp_fc", new Linear(width, hidden));                                 // weight [H, W]
    fc2 = child("mlp_proj", new Linear(hidden, embedDim, true, Init.ZEROS));          // weight [E, H], zero at start
  }

  /** patch tokens [..., W] → the correction to their projection [..., E]. */
  public NDArray forward(NDArray tokens) {
    return fc2.forward(Activation.GELU.apply(fc1.forward(tokens)));
  }
}
