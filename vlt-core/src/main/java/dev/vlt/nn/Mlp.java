package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Module;

/**
 * The transformer feed-forward: proj(act(fc(x))). open_clip names the two layers {@code c_fc} / {@code c_proj}; timm
 * (and MAE, VideoMAE, TimeSformer, which build on it) {@code fc1} / {@code fc2}: {@link #timm} builds that layout.
 */
public final class Mlp extends Module {
  private final Linear fc;
  private final Linear proj;
  private final Activation act;

  /** open_clip's layout: {@code c_fc} [hidden, width], {@code c_proj} [width, hidden]. */
  public Mlp(int width, int hidden, Activation act) {
    this(width, hidden, act, "c_fc", "c_proj");
  }

  private Mlp(int width, int hidden, Activation act, String fcName, String projName) {
    this.fc = child(fcName, new Linear(width, hidden));      // weight [hidden, width]
    this.proj = child(projName, new Linear(hidden, width));  // weight [width, hidden]
    this.act = act;
  }

  /** timm's layout: {@code fc1} [hidden, width], {@code fc2} [width, hidden]. */
  public static Mlp timm(int width, int hidden, Activation act) {
    return new Mlp(width, hidden, act, "fc1", "fc2");
  }

  /** x: [..., width] → [..., width]. */
  public NDArray forward(NDArray x) {
    return proj.forward(act.apply(fc.forward(x)));
  }
}
