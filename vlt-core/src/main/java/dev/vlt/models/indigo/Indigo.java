package dev.vlt.models.indigo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import dev.vlt.models.ImageClassifier;
import dev.vlt.models.ModelModule;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.vit.OpenClipTower;
import dev.vlt.models.vit.Vit;
import dev.vlt.models.vit.VitConfig;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.Linear;
import dev.vlt.tensor.Buffer;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import java.util.List;

/**
 * INDIGO (Mangla, Chandhok, Aggarwal, Balasubramanian, Krishnamurthy 2022, "INDIGO: Intrinsic Multimodality for Domain
 * Generalization"): a trainable ViT that sees, beside its class token and patch tokens, one more token — the image
 * embedding of a frozen CLIP, through Linear + LayerNorm ({@code clip_proj}, {@code clip_norm}). At the output the class
 * token goes to a linear head ({@code head}); the CLIP token, projected into the text space ({@code token_proj}), is
 * classified by cosine against the frozen text tower's embeddings of class × domain prompts ("a sketch of {class}"),
 * held in the buffer {@code text_anchors} [D·C, E] (normalised; computed once by the training task, since the text tower
 * never changes), with its own temperature ({@code logit_scale}, CLIP's initial 1/0.07). The CLIP is under {@code clip.}
 * with open_clip's names; the ViT under {@code vit.} with timm's.
 */
public final class Indigo extends Module implements ImageClassifier, ModelModule {
  private final IndigoConfig cfg;
  private final Clip clip;
  private final Vit vit;
  private final Linear clipProj;
  private final LayerNorm clipNorm;
  private final Linear tokenProj;
  private final Linear head;
  private final Parameter logitScale;
  private final Buffer textAnchors;

  public Indigo(IndigoConfig cfg) {
    this.cfg = cfg;
    int e = cfg.clip().embedDim();
    int w = cfg.width();
    clip = child("clip", new Clip(cfg.clip()));
    vit = child("vit", new Vit(cfg.initFromClip() ? OpenClipTower.vitConfig(cfg.clip().vision())
        : VitConfig.of(cfg.imageSize(), cfg.patchSize(), w, cfg.depth(), cfg.heads(), 0)));
    clipProj = child("clip_proj", new Linear(e, w));                   // weight [W, E]
    clipNorm = child("clip_norm", new LayerNorm(w));
    tokenProj = child("token_proj", new Linear(w, e));                 // weight [E, W]
    head = child("head", new Linear(w, cfg.classes().size()));         // weight [C, W]
    logitScale = param("logit_scale", new Init.Constant(Math.log(1 / 0.07)));
    textAnchors = buffer("text_anchors", DataType.FLOAT32, new Init.Constant(0),
        (long) cfg.domains().size() * cfg.classes().size(), e);
  }

  /**
   * An INDIGO over {@code trained}'s weights (copied by reference, frozen) with freshly initialised heads and a ViT that is
   * either fresh too or, with {@link IndigoConfig#initFromClip}, a trainable copy of the CLIP's image tower.
   *
   * @param seed draws the new parameters
   */
  public static Indigo over(Clip trained, IndigoConfig cfg, long seed, ai.djl.ndarray.NDManager manager) {
    if (!cfg.clip().equals(trained.config())) throw new IllegalArgumentException("the INDIGO config's CLIP differs from the CLIP given");
    Indigo m = new Indigo(cfg);
    m.initialize(manager, seed);
    trained.namedParameters().forEach((name, p) -> m.clip.namedParameters().get(name).set(p.value()));
    m.clip.freeze(true);
    if (cfg.initFromClip()) OpenClipTower.copy(trained.visual(), m.vit, manager);
    if (cfg.tokenSkip()) {                                                             // the correction starts at zero
      for (Parameter p : m.tokenProj.namedParameters().values()) p.set(manager.zeros(p.shape()));
    }
    return m;
  }

  /** images [B, 3, S, S] → both heads' logits. The CLIP runs without a graph: nothing flows back into it. */
  public IndigoOutput forward(NDArray images) {
    NDArray clipFeatures;
    try (NoGrad ignored = NoGrad.open()) {
      clipFeatures = clip.imageFeatures(images, Trace.NONE);                        // [B, E]
    }
    NDArray m = clipNorm.forward(clipProj.forward(clipFeatures)).expandDims(1);       // [B, 1, W]
    NDArray x = vit.embed().forward(images, Trace.NONE);                             // [B, 1 + P, W]: class token, patches
    x = NDArrays.concat(new NDList(x.get(":, :1, :"), m, x.get(":, 1:, :")), 1);      // [B, 2 + P, W]
    x = vit.encode(x, Trace.NONE);                                                   // blocks, final norm
    NDArray cls = x.get(":, 0, :");                                                  // [B, W]
    NDArray out = tokenProj.forward(x.get(":, 1, :"));                                // [B, E]
    if (cfg.tokenSkip()) out = out.add(clipFeatures);                                // the CLIP's embedding + a correction
    NDArray token = Ops.l2Normalize(out);
    NDArray scale = logitScale.value().exp();
    NDArray textLogits = token.matMul(textAnchors.value().transpose()).mul(scale);   // [B, D·C]
    return new IndigoOutput(head.forward(cls), textLogits, scale);
  }

  @Override
  public NDArray classify(NDArray images) {
    return forward(images).probabilities(cfg.prediction());
  }

  @Override
  public List<String> classNames() {
    return cfg.classes();
  }

  /**
   * Sets the prompts' embeddings: text [D·C, E], the frozen text tower's output for {@link IndigoConfig#prompts}
   * (normalised here). Copied, so the caller keeps its array.
   */
  public void setTextAnchors(NDArray text) {
    NDArray v = Ops.l2Normalize(text).toType(DataType.FLOAT32, false).duplicate();
    v.attach(textAnchors.value().getManager());
    ai.djl.ndarray.NDScope.unregister(v);
    textAnchors.set(v);
  }

  public NDArray textAnchors() {
    return textAnchors.value();
  }

  /** The frozen CLIP (image tower for the extra token, text tower for the prompts). */
  public Clip clip() {
    return clip;
  }

  public Vit vit() {
    return vit;
  }

  public Parameter logitScale() {
    return logitScale;
  }

  @Override
  public IndigoConfig config() {
    return cfg;
  }

  @Override
  public int imageSize() {
    return cfg.imageSize();
  }
}
