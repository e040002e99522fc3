package dev.vlt.models.clip;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;

/**
 * CLIP (Radford et al. 2021): an image tower and a text tower projected into one space, compared by a learned temperature.
 * Parameter names are open_clip's: the image tower under {@code visual.}, the text tower at the root.
 */
public final class Clip extends Module {
  private final ClipConfig cfg;
  private final VisionTransformer visual;
  private final TextTransformer text;
  private final Parameter logitScale;

  public Clip(ClipConfig cfg) {
    this.cfg = cfg;
    visual = child("visual", new VisionTransformer(cfg.vision(), cfg.embedDim(), cfg.activation()));
    text = inline(new TextTransformer(cfg.text(), cfg.embedDim(), cfg.activation()));
    logitScale = param("logit_scale", new Init.Constant(cfg.initLogitScale()));  // shape []: stored as log(1/T)
  }

  /** images [B, 3, S, S] → [B, E]; L2-normalised when {@code normalize}. */
  public NDArray encodeImage(NDArray images, boolean normalize) {
    NDArray f = visual.forward(images, Trace.NONE);
    return normalize ? Ops.l2Normalize(f) : f;
  }

  /** ids [B, L] → [B, E]; L2-normalised when {@code normalize}. */
  public NDArray encodeText(NDArray ids, boolean normalize) {
    NDArray f = text.forward(ids, Trace.NONE);
    return normalize ? Ops.l2Normalize(f) : f;
  }

  /** Both towers, normalised features and exp(logit_scale), as open_clip's CLIP.forward. */
  public ClipOutput forward(NDArray images, NDArray ids, Trace trace) {
    NDArray img = visual.forward(images, trace);
    NDArray txt = text.forward(ids, trace);
    trace.put("image_features", img);
    trace.put("text_features", txt);
    return new ClipOutput(Ops.l2Normalize(img), Ops.l2Normalize(txt), logitScale.value().exp());
  }

  public ClipConfig config() {
    return cfg;
  }

  public VisionTransformer visual() {
    return visual;
  }

  public TextTransformer text() {
    return text;
  }

  public Parameter logitScale() {
    return logitScale;
  }
}
