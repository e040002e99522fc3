package dev.vlt.models.pacl;

import ai.djl.ndarray.NDArray;
import dev.vlt.models.ModelModule;
import dev.vlt.models.PatchTextSimilarity;
import dev.vlt.models.clip.Clip;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;

/**
 * PACL (Mukhoti et al., CVPR 2023, "Open Vocabulary Semantic Segmentation with Patch Aligned Contrastive Learning"): a
 * CLIP whose image patches are embedded by a small {@link PatchEmbedder} into the text embedding's space, trained so
 * that a text's embedding matches the patches that show it (the objective is
 * {@code dev.vlt.objectives.PatchAlignedLoss}). CLIP's parameters keep open_clip's names; the embedder is under
 * {@code patch_embedder.}. The text side is CLIP's text embedding unchanged.
 */
public final class Pacl extends Module implements PatchTextSimilarity, ModelModule {
  private final PaclConfig cfg;
  private final Clip clip;
  private final PatchEmbedder embedder;

  public Pacl(PaclConfig cfg) {
    this.cfg = cfg;
    clip = inline(new Clip(cfg.clip()));
    embedder = child("patch_embedder", new PatchEmbedder(cfg.clip().vision().width(), cfg.hidden(), cfg.clip().embedDim()));
  }

  /**
   * A PACL whose CLIP is {@code trained}'s weights (shared, not copied) and whose embedder starts as CLIP's image
   * projection (its MLP branch at zero): at step 0 its patch embeddings are the CLIP patch baseline's.
   *
   * @param seed draws the MLP branch's first layer
   */
  public static Pacl over(Clip trained, long seed, ai.djl.ndarray.NDManager manager) {
    PaclConfig cfg = PaclConfig.over(trained.config());
    Pacl p = new Pacl(cfg);
    p.embedder.initialize(manager, seed);
    trained.namedParameters().forEach((name, param) -> p.clip.namedParameters().get(name).set(param.value()));
    try (NoGrad ignored = NoGrad.open()) {
      p.embedder.linear().weight().set(trained.visual().proj().value().transpose().duplicate());  // proj is [in, out]
    }
    return p;
  }

  /** The patch tokens after ln_post, without the class token: [B, g², W]. */
  public NDArray patchTokens(NDArray images) {
    return clip.visual().forwardTokens(images, Trace.NONE).get(":, 1:, :");
  }

  @Override
  public NDArray encodePatches(NDArray images, boolean normalize) {
    NDArray e = embedder.forward(patchTokens(images));                                // [B, g², E]
    return normalize ? Ops.l2Normalize(e) : e;
  }

  @Override
  public NDArray encodeText(NDArray ids, boolean normalize) {
    return clip.encodeText(ids, normalize);
  }

  /** The CLIP under the embedder (its towers are frozen while PACL trains, as in the paper, unless asked otherwise). */
  public Clip clip() {
    return clip;
  }

  public PatchEmbedder embedder() {
    return embedder;
  }

  /** log(1/T): CLIP's temperature, which PACL's contrastive loss and its softmax over patches both use. */
  public Parameter logitScale() {
    return clip.logitScale();
  }

  @Override
  public PaclConfig config() {
    return cfg;
  }

  @Override
  public int imageSize() {
    return clip.imageSize();
  }

  @Override
  public int patchGrid() {
    return clip.patchGrid();
  }

  @Override
  public int contextLength() {
    return clip.contextLength();
  }

  @Override
  public int embedDim() {
    return clip.embedDim();
  }

  @Override
  public double backgroundThreshold() {
    return cfg.backgroundThreshold();
  }
}
