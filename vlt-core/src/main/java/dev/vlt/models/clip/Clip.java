package dev.vlt.models.clip;

import ai.djl.ndarray.NDArray;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.ModelModule;
import dev.vlt.models.PatchTextSimilarity;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;

/**
 * CLIP (Radford et al. 2021): an image tower and a text tower projected into one space, compared by a learned temperature.
 * Parameter names are open_clip's: the image tower under {@code visual.}, the text tower at the root.
 *
 * <p>Segmentation is the CLIP patch baseline: each patch token goes through ln_post and the image projection, as the
 * class token does, and is compared with the label texts' embeddings. CLIP never trains patches to match texts, so this
 * is what PACL's compatibility has to beat.
 */
public final class Clip extends Module implements ContrastiveModel, PatchTextSimilarity, ModelModule {
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

  @Override
  public NDArray imageFeatures(NDArray images, Trace trace) {
    return visual.forward(images, trace);
  }

  @Override
  public NDArray textFeatures(NDArray ids, Trace trace) {
    return text.forward(ids, trace);
  }

  @Override
  public NDArray encodePatches(NDArray images, boolean normalize) {
    NDArray f = visual.patchFeatures(images);                                         // [B, g², E]
    return normalize ? Ops.l2Normalize(f) : f;
  }

  @Override
  public int patchGrid() {
    return cfg.vision().grid();
  }

  @Override
  public ClipConfig config() {
    return cfg;
  }

  public VisionTransformer visual() {
    return visual;
  }

  public TextTransformer text() {
    return text;
  }

  @Override
  public Parameter logitScale() {
    return logitScale;
  }

  @Override
  public int imageSize() {
    return cfg.vision().imageSize();
  }

  @Override
  public int contextLength() {
    return cfg.text().contextLength();
  }

  @Override
  public int embedDim() {
    return cfg.embedDim();
  }
}
