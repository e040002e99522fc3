package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;

/**
 * The transformer feed-forward: proj(act(fc(x))). Only the two layers' checkpoint names differ between the layouts:
 * open_clip's {@code c_fc} / {@code c_proj} (the constructor), timm's {@code fc1} / {@code fc2} ({@link #timm}: MAE,
 * VideoMAE and TimeSformer build on it), torchvision's MLP block {@code 0} / {@code 3} ({@link #torchvision}: an
 * nn.Sequential of Linear, GELU, Dropout, Linear, Dropout) and torchmultimodal's {@code 0} / {@code 2} (inside
 * {@link SequentialMlp}).
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
    this(width, hidden, act, fcName, projName, new Init.FanInUniform());
  }

  private Mlp(int width, int hidden, Activation act, String fcName, String projName, Init projInit) {
    this.fc = child(fcName, new Linear(width, hidden));                      // weight [hidden, width]
    this.proj = child(projName, new Linear(hidden, width, true, projInit));  // weight [width, hidden]
    this.act = act;
  }

  /** open_clip's layout with {@code c_proj} starting at zero: a residual branch that adds nothing until it trains. */
  public static Mlp zeroOutput(int width, int hidden, Activation act) {
    return new Mlp(width, hidden, act, "c_fc", "c_proj", Init.ZEROS);
  }

  /** timm's layout: {@code fc1} [hidden, width], {@code fc2} [width, hidden]. */
  public static Mlp timm(int width, int hidden, Activation act) {
    return new Mlp(width, hidden, act, "fc1", "fc2");
  }

  /** torchvision's ViT MLP block: {@code 0} [hidden, width], {@code 3} [width, hidden]. */
  public static Mlp torchvision(int width, int hidden, Activation act) {
    return new Mlp(width, hidden, act, "0", "3");
  }

  /** torchmultimodal's MLP body (Linear, activation, Linear): {@code 0} [hidden, width], {@code 2} [width, hidden]. */
  static Mlp torchmultimodal(int width, int hidden, Activation act) {
    return new Mlp(width, hidden, act, "0", "2");
  }

  /** x: [..., width] → [..., width]. */
  public NDArray forward(NDArray x) {
    return proj.forward(act.apply(fc.forward(x)));
  }
}
