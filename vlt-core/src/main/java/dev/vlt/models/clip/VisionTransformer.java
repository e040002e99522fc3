package dev.vlt.models.clip;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.Activation;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.PatchEmbed;
import dev.vlt.nn.PatchTokens;
import dev.vlt.nn.Transformer;
import dev.vlt.nn.pool.Pooling;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;

/** ViT image tower (Dosovitskiy et al.) with CLIP's extra ln_pre, pooled and projected into the joint space. */
public final class VisionTransformer extends Module {
  private final VisionConfig cfg;
  private final PatchEmbed conv1;
  private final PatchTokens tokens;
  private final LayerNorm lnPre;
  private final Transformer transformer;
  private final LayerNorm lnPost;
  private final Parameter proj;
  private final Pooling pool;

  /** The tower with the pooling its config names ("tok": class token, "avg": mean of patch tokens). */
  public VisionTransformer(VisionConfig cfg, int embedDim, Activation act) {
    this(cfg, embedDim, act, Pooling.create(cfg.pool(), cfg.width(), cfg.heads()));
  }

  /** The tower with any {@link Pooling} (GeM, GGeM, attentional); parameter-free poolings add no checkpoint keys. */
  public VisionTransformer(VisionConfig cfg, int embedDim, Activation act, Pooling pooling) {
    this.cfg = cfg;
    int w = cfg.width();
    double scale = Math.pow(w, -0.5);
    conv1 = child("conv1", new PatchEmbed(3, w, cfg.patchSize()));                  // weight [W, 3, P, P], no bias
    tokens = inline(new PatchTokens(w, cfg.grid()));
    lnPre = child("ln_pre", new LayerNorm(w));
    transformer = child("transformer", new Transformer(w, cfg.layers(), cfg.heads(), cfg.mlpRatio(), act, cfg.dropPath()));
    lnPost = child("ln_post", new LayerNorm(w));
    proj = param("proj", Init.normal(scale), w, embedDim);                            // stored [in, out]: used as x @ proj
    child("pool", pooling.asModule());
    pool = pooling;
  }

  /** images: [B, 3, S, S] normalised pixels → image features [B, embedDim] (not normalised). */
  public NDArray forward(NDArray images, Trace trace) {
    NDArray tokens = forwardTokens(images, trace);                                    // [B, 1+g², W] after ln_post
    NDArray pooled = pool.forward(tokens);
    trace.put("vision.pooled", pooled);
    return pooled.matMul(proj.value());
  }

  /**
   * images: [B, 3, S, S] → every patch token after ln_post through the image projection, [B, g², embedDim] (not
   * normalised): the image embedding's map applied per patch, CLIP's own guess at what each patch shows.
   */
  public NDArray patchFeatures(NDArray images) {
    NDArray tokens = forwardTokens(images, Trace.NONE);                              // [B, 1+g², W]
    return tokens.get(":, 1:, :").matMul(proj.value());
  }

  /** The image projection [W, embedDim], stored [in, out]. */
  public Parameter proj() {
    return proj;
  }

  /** All tokens after ln_post: [B, 1 + g², W]; token 0 is the class token. */
  public NDArray forwardTokens(NDArray images, Trace trace) {
    NDArray x = conv1.forward(images);                                                // [B, W, g, g]
    trace.put("vision.conv1_out", x);
    x = tokens.forward(x);                                                            // [B, 1+g², W]
    trace.put("vision.embed_out", x);
    x = lnPre.forward(x);
    trace.put("vision.ln_pre_out", x);
    x = transformer.forward(x, null, (i, out) -> trace.put("vision.resblock." + i + "_out", out));
    x = lnPost.forward(x);
    trace.put("vision.ln_post_out", x);
    return x;
  }

  public VisionConfig config() {
    return cfg;
  }
}
