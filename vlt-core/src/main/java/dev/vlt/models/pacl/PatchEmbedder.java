package dev.vlt.models.pacl;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.Activation;
import dev.vlt.nn.Linear;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;

/**
 * PACL's vision embedder: patch tokens into the text embedding's space through a linear map plus a two-layer MLP
 * branch, e(x) = linear(x) + fc2(gelu(fc1(x))). The branch's output layer starts at zero, so the embedder starts as a
 * linear map; over a trained CLIP that map is CLIP's image projection (see {@link Pacl#over}), and PACL starts exactly at
 * the CLIP patch baseline.
 */
public final class PatchEmbedder extends Module {
  private final Linear linear;
  private final Linear fc1;
  private final Linear fc2;

  public PatchEmbedder(int width, int hidden, int embedDim) {
    linear = child("linear", new Linear(width, embedDim, false));                    // weight [E, W]
    fc1 = child("mlp_fc", new Linear(width, hidden));                                 // weight [H, W]
    fc2 = child("mlp_proj", new Linear(hidden, embedDim, true, Init.ZEROS));          // weight [E, H], zero at start
  }

  /** tokens [..., W] → [..., E]. */
  public NDArray forward(NDArray x) {
    return linear.forward(x).add(fc2.forward(Activation.GELU.apply(fc1.forward(x))));
  }

  Linear linear() {
    return linear;
  }
}
