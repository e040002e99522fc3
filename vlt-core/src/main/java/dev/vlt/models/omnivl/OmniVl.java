package dev.vlt.models.omnivl;

import ai.djl.ndarray.NDArray;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.ModelModule;
import dev.vlt.models.VideoEmbedding;
import dev.vlt.models.clip.TextTransformer;
import dev.vlt.models.video.DividedVit;
import dev.vlt.nn.Activation;
import dev.vlt.nn.Linear;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;

/**
 * OmniVL's dual encoder (Wang et al. 2022): one visual encoder for images and videos, a text encoder, and a learned
 * temperature, trained contrastively on image-text and video-text pairs together (UniVLC). The visual encoder is a
 * divided space-time ViT whose temporal parts start at zero (so it starts as an image ViT) and which images pass as
 * single frames, skipping the temporal parts — OmniVL's decoupled design. Keys: {@code visual.trunk.*} (the
 * {@link DividedVit}: timm's ViT keys plus TimeSformer's {@code time_embed} and {@code temporal_*}),
 * {@code visual.proj} [E, W] (a Linear without bias), the CLIP text tower at the root, {@code logit_scale}.
 */
public final class OmniVl extends Module implements ContrastiveModel, VideoEmbedding, ModelModule {
  private final OmniVlConfig cfg;
  private final Visual visual;
  private final TextTransformer text;
  private final Parameter logitScale;

  public OmniVl(OmniVlConfig cfg) {
    this.cfg = cfg;
    visual = child("visual", new Visual(cfg));
    text = inline(new TextTransformer(cfg.text(), cfg.embedDim(), Activation.GELU));
    logitScale = param("logit_scale", new Init.Constant(cfg.initLogitScale()));
  }

  /** The visual tower: the space-time trunk and the projection into the joint space. */
  static final class Visual extends Module {
    final DividedVit trunk;
    final Linear proj;

    Visual(OmniVlConfig cfg) {
      trunk = child("trunk", new DividedVit(cfg.vision(), cfg.frames()));
      proj = child("proj", new Linear(cfg.vision().width(), cfg.embedDim(), false));
    }

    /** [B, 3, T, S, S] (T = frames or 1) → [B, E]: the frames' class tokens averaged, projected. */
    NDArray forward(NDArray clips, Trace trace) {
      NDArray pooled = trunk.pooled(trunk.forwardFeatures(clips, trace));     // [B, W]
      trace.put("visual.pooled", pooled);
      return proj.forward(pooled);
    }
  }

  /** images [B, 3, S, S] as single frames, or clips [B, 3, T, S, S] → features [B, E], not normalised. */
  @Override
  public NDArray imageFeatures(NDArray images, Trace trace) {
    NDArray x = images.getShape().dimension() == 4 ? images.expandDims(2) : images;  // [B, 3, 1, S, S]
    return visual.forward(x, trace);
  }

  @Override
  public NDArray textFeatures(NDArray ids, Trace trace) {
    return text.forward(ids, trace);
  }

  /** ids [B, L] → the text tower's token states after ln_final [B, L, W] (a caption decoder reads them). */
  public NDArray textTokens(NDArray ids, Trace trace) {
    return text.forwardTokens(ids, trace);
  }

  @Override
  public NDArray encodeVideo(NDArray clips, boolean normalize) {
    if (clips.getShape().dimension() != 5) {
      throw new IllegalArgumentException("clips must be [B, 3, T, S, S], got " + clips.getShape());
    }
    NDArray f = visual.forward(clips, Trace.NONE);
    return normalize ? Ops.l2Normalize(f) : f;
  }

  /** The space-time trunk of the visual tower (MOV reads its per-frame class tokens and copies it for flow and audio). */
  public DividedVit trunk() {
    return visual.trunk;
  }

  /** pooled [B, W] (the frames' class tokens averaged) → [B, E], not normalised: the visual tower's projection. */
  public NDArray projectVisual(NDArray pooled) {
    return visual.proj.forward(pooled);
  }

  @Override
  public int frames() {
    return cfg.frames();
  }

  @Override
  public Parameter logitScale() {
    return logitScale;
  }

  @Override
  public OmniVlConfig config() {
    return cfg;
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
