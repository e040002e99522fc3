package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Module;

/** The transformer feed-forward: c_proj(act(c_fc(x))). */
public final class Mlp extends Module {
  private final Linear fc;
  private final Linear proj;
  private final Activation act;

  public Mlp(int width, int hidden, Activation act) {
    this.fc = child("c_fc", new Linear(width, hidden));     // weight [hidden, width]
    this.proj = child("c_proj", new Linear(hidden, width)); // weight [width, hidden]
    this.act = act;
  }

  public NDArray forward(NDArray x) {
    return proj.forward(act.apply(fc.forward(x)));
  }
}
