package dev.vlt.models.grounding;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.Linear;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.ModuleList;

/**
 * TransVG's box head ({@code bbox_embed}): a 3-layer MLP with ReLU between layers ({@code layers.0..2}) and a sigmoid, so
 * the [REG] token's state becomes a normalised (cx, cy, w, h) in the input frame.
 */
public final class BoxHead extends Module {
  private final ModuleList<Linear> layers;

  public BoxHead(int width, int hidden) {
    layers = child("layers", new ModuleList<>());
    layers.add(new Linear(width, hidden));
    layers.add(new Linear(hidden, hidden));
    layers.add(new Linear(hidden, 4));
  }

  /** x [B, W] → boxes [B, 4] in (0, 1). */
  public NDArray forward(NDArray x) {
    return ai.djl.nn.Activation.sigmoid(logits(x));
  }

  /**
   * x [B, W], reference (cx, cy) [B, 2] in (0, 1) → boxes [B, 4]: the centre is the reference moved in logit space
   * (sigmoid(logit(ref) + Δ), as Deformable DETR refines its reference points), width and height as in {@link #forward}.
   */
  public NDArray forward(NDArray x, NDArray reference) {
    NDArray raw = logits(x);                                                            // [B, 4]
    NDArray ref = reference.clip(1e-4, 1 - 1e-4);
    NDArray centre = ref.div(ref.onesLike().sub(ref)).log().add(raw.get(":, :2"));     // logit(ref) + Δ
    return ai.djl.nn.Activation.sigmoid(ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(centre, raw.get(":, 2:")), 1));
  }

  private NDArray logits(NDArray x) {
    x = ai.djl.nn.Activation.relu(layers.get(0).forward(x));
    x = ai.djl.nn.Activation.relu(layers.get(1).forward(x));
    return layers.get(2).forward(x);
  }
}
