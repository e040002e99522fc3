package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Module;

/**
 * The transformer feed-forward: proj(act(fc(x))), with open_clip's child names {@code c_fc} and {@code c_proj} unless a
 * checkpoint layout names them otherwise (torchvision's ViT MLP block: {@code 0} and {@code 3}).
 */
public final class Mlp extends Module {
  private final Linear fc;
  private final Linear proj;
  private final Activation act;

  public Mlp(int width, int hidden, Activation act) {
    this(width, hidden, act, "c_fc", "c_proj");
  }

  public Mlp(int width, int hidden, Activation act, String fcName, String projName) {
    this.fc = child(fcName, new Linear(width, hidden));     // weight [hidden, width]
    this.proj = child(projName, new Linear(hidden, width)); // weight [width, hidden]
    this.act = act;
  }

  public NDArray forward(NDArray x) {
    return proj.forward(act.apply(fc.forward(x)));
  }
}
