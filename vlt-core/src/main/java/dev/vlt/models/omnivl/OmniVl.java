package dev.vlt.models.omnivl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.models.Capability;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.ModelModule;
import dev.vlt.models.VideoEmbedding;
import dev.vlt.models.caption.CaptionModel;
import dev.vlt.models.caption.ImageEncoding;
import dev.vlt.models.clip.TextTransformer;
import dev.vlt.models.coca.CocaOutput;
import dev.vlt.models.coca.MultimodalDecoder;
import dev.vlt.models.video.DividedVit;
import dev.vlt.nn.Activation;
import dev.vlt.nn.Linear;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;

/**
 * OmniVL (Wang et al. 2022): one visual encoder for images and videos, a text encoder, and a learned temperature,
 * trained contrastively on image-text and video-text pairs together (UniVLC). The visual encoder is a divided
 * space-time ViT whose temporal parts start at zero (so it starts as an image ViT) and which images pass as single
 * frames, skipping the temporal parts — OmniVL's decoupled design. Keys: {@code visual.trunk.*} (the
 * {@link DividedVit}: timm's ViT keys plus TimeSformer's {@code time_embed} and {@code temporal_*}),
 * {@code visual.proj} [E, W] (a Linear without bias), the CLIP text tower at the root, {@code logit_scale}.
 *
 * <p>With {@code decoder_cfg}, also OmniVL's captioning decoder, {@code text_decoder.*}: built from CoCa's parts (its
 * {@link MultimodalDecoder} over the text tower's causal states), it cross-attends to every token of every frame, so
 * what happens across the frames is in what it reads, and trains by next-token cross-entropy beside UniVLC. OmniVL's
 * BLIP-style decoder has its own text layers; this one shares the text tower's, as CoCa does. A model without the
 * decoder declines the captioning capability.
 */
public final class OmniVl extends Module implements ContrastiveModel, VideoEmbedding, CaptionModel, ModelModule {
  private final OmniVlConfig cfg;
  private final Visual visual;
  private final TextTransformer text;
  private final Parameter logitScale;
  private final MultimodalDecoder textDecoder;

  public OmniVl(OmniVlConfig cfg) {
    this.cfg = cfg;
    visual = child("visual", new Visual(cfg));
    text = inline(new TextTransformer(cfg.text(), cfg.embedDim(), Activation.GELU));
    logitScale = param("logit_scale", new Init.Constant(cfg.initLogitScale()));
    textDecoder = cfg.decoder() == null ? null
        : child("text_decoder", new MultimodalDecoder(cfg.decoder(), cfg.text().vocabSize(), Activation.GELU));
  }

  /** The visual tower: the space-time trunk and the projection into the joint space. */
  static final class Visual extends Module {
    final DividedVit trunk;
    final Linear proj;

    Visual(OmniVlConfig cfg) {
      trunk = child("trunk", new DividedVit(cfg.vision(), cfg.frames(), cfg.tubelet()));
      proj = child("proj", new Linear(cfg.vision().width(), cfg.embedDim(), false));
    }

    /**
     * [B, 3, T, S, S] (T = frames or 1) → the latent [B, E] (the time steps' class tokens averaged, projected) and every
     * token of every step [B, T'·(P + N), W], which the caption decoder reads.
     */
    ImageEncoding encode(NDArray clips, Trace trace) {
      NDArray features = trunk.forwardFeatures(clips, trace);                 // [B, T', P + N, W]
      NDArray pooled = trunk.pooled(features);                                // [B, W]
      trace.put("visual.pooled", pooled);
      long b = features.getShape().get(0), w = features.getShape().get(3);
      return new ImageEncoding(proj.forward(pooled), features.reshape(b, -1, w));
    }
  }

  /** images [B, 3, S, S] as single frames, or clips [B, 3, T, S, S] → features [B, E], not normalised. */
  @Override
  public NDArray imageFeatures(NDArray images, Trace trace) {
    return visual.encode(asClips(images), trace).latent();
  }

  private static NDArray asClips(NDArray images) {
    return images.getShape().dimension() == 4 ? images.expandDims(2) : images;      // [B, 3, 1, S, S]
  }

  /** True when this model has a caption decoder. */
  public boolean hasDecoder() {
    return textDecoder != null;
  }

  /** Freezes (or unfreezes) the caption decoder alone: a run that does not train it must not decay it either. */
  public void freezeDecoder(boolean frozen) {
    decoder().freeze(frozen);
  }

  @Override
  public boolean offers(Capability<?> capability) {
    return capability != Capability.CAPTIONING || textDecoder != null;
  }

  /**
   * The training forward with the caption decoder (CoCa's, over clips or images): visual [B, 3, T, S, S] (or images
   * [B, 3, S, S]), ids [B, L] with the start token first and padding 0 → normalised visual and text embeddings,
   * exp(logit_scale), and the decoder's next-token logits [B, L - 1, V] over every frame's tokens against labels
   * ids[:, 1:].
   */
  public CocaOutput captionForward(NDArray visualInput, NDArray ids) {
    ImageEncoding v = visual.encode(asClips(visualInput), Trace.NONE);
    NDArray states = text.forwardTokens(ids, Trace.NONE);                                   // [B, L, W], one pass
    NDArray txt = text.project(ids, states, Trace.NONE);                                    // [B, E]
    // causal: the first L - 1 states are those of ids[:, :-1] alone, so they are the decoder's teacher-forced input
    NDArray logits = decoder().forward(v.tokens(), states.get(new NDIndex(":, :-1")), Trace.NONE);   // [B, L - 1, V]
    return new CocaOutput(Ops.l2Normalize(v.latent()), Ops.l2Normalize(txt), logitScale.value().exp(), logits,
        ids.get(new NDIndex(":, 1:")));
  }

  private MultimodalDecoder decoder() {
    if (textDecoder == null) throw new IllegalStateException("this OmniVL has no caption decoder (its config has no decoder_cfg)");
    return textDecoder;
  }

  /** Clips [B, 3, T, S, S] or images [B, 3, S, S] → the contrastive latent and every frame's tokens for the decoder. */
  @Override
  public ImageEncoding encodeForDecoding(NDArray images) {
    return visual.encode(asClips(images), Trace.NONE);
  }

  @Override
  public NDArray nextTokenLogits(NDArray imageTokens, NDArray prefix) {
    return decoder().forward(imageTokens, text.forwardTokens(prefix, Trace.NONE), Trace.NONE).get(new NDIndex(":, -1"));
  }

  @Override
  public int vocabSize() {
    return cfg.text().vocabSize();
  }

  @Override
  public int maxDecodeLength() {
    return cfg.maxDecodeLength();
  }

  @Override
  public NDArray textFeatures(NDArray ids, Trace trace) {
    return text.forward(ids, trace);
  }

  @Override
  public NDArray encodeVideo(NDArray clips, boolean normalize) {
    if (clips.getShape().dimension() != 5) {
      throw new IllegalArgumentException("clips must be [B, 3, T, S, S], got " + clips.getShape());
    }
    NDArray f = visual.encode(clips, Trace.NONE).latent();
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
