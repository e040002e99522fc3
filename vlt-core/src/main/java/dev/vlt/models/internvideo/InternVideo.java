package dev.vlt.models.internvideo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.ModelModule;
import dev.vlt.models.ParameterBreakdown;
import dev.vlt.models.TowerInit;
import dev.vlt.models.VideoEmbedding;
import dev.vlt.models.caption.CaptionModel;
import dev.vlt.models.caption.ImageEncoding;
import dev.vlt.models.omnivl.OmniVl;
import dev.vlt.models.video.DividedVit;
import dev.vlt.models.video.VideoMae;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * InternVideo (Wang et al. 2022, "InternVideo: General Video Foundation Models via Generative and Discriminative
 * Learning"): two video backbones trained apart and then coordinated.
 * <ul>
 *   <li>{@code mvm.*}: the masked-video-modeling backbone, a {@link VideoMae} (joint space-time attention over tubelets
 *       with fixed sin-cos positions, tube masking, a pixel decoder); trained first, on clips alone.
 *   <li>{@code vl.*}: the video-language backbone, an {@link OmniVl} (divided space-time ViT, text tower, temperature)
 *       with its caption decoder {@code vl.text_decoder.*} cross-attending to the video tokens; trained by video-text
 *       contrastive learning plus captioning, as InternVideo's multimodal backbone is.
 *   <li>{@code cross_model.*}: the {@link CrossModelAttention}, trained last with both backbones frozen: the
 *       video-language backbone's frame tokens attend to the masked-video tokens, the fused frame tokens are averaged and
 *       go through the video-language projection {@code vl.visual.proj}, and the result is compared with the frozen
 *       text tower's embedding. It starts as the video-language backbone alone (zero output projections).
 * </ul>
 * A clip [B, 3, T, S, S] is embedded by the fused model; a still image [B, 3, S, S] has no motion for the masked-video
 * backbone to add and is the video-language backbone's image embedding. Captions are the video-language backbone's.
 */
public final class InternVideo extends Module implements ContrastiveModel, VideoEmbedding, CaptionModel, TowerInit, ModelModule,
    ParameterBreakdown {
  /** A part that trains while the others are frozen: the three stages. */
  public enum Trainable { MASKED_VIDEO, VIDEO_LANGUAGE, CROSS_MODEL }

  /** The ways a clip can be embedded; the evaluation compares them. */
  public enum VideoPath {
    /** Both backbones through the cross-model attention: the model's own video embedding. */
    FUSED,
    /** The video-language backbone alone (what the fused model starts as). */
    VIDEO_LANGUAGE,
    /**
     * The masked-video tokens through the cross-model attention with the video-language frame tokens zeroed: the only
     * way the masked-video backbone, which has no text side, reaches the joint space. Out of what the fusion trained on.
     */
    MASKED_VIDEO_VIA_FUSION,
    /** The masked-video encoder's tokens averaged [B, Wm]: features for a linear probe, not in the joint space. */
    MASKED_VIDEO_POOLED
  }

  private final InternVideoConfig cfg;
  private final VideoMae mvm;
  private final OmniVl vl;
  private final CrossModelAttention crossModel;

  public InternVideo(InternVideoConfig cfg) {
    this.cfg = cfg;
    mvm = child("mvm", new VideoMae(cfg.mvm()));
    vl = child("vl", new OmniVl(cfg.vl()));
    int w = cfg.vl().vision().width();
    crossModel = child("cross_model", new CrossModelAttention(w, cfg.mvm().encoder().width(), cfg.fusionLayers(),
        cfg.fusionHeads(), cfg.vl().vision().mlpRatio()));
  }

  /** Freezes every parameter except those of {@code part} (the caption decoder trains with the video-language backbone). */
  public void trainOnly(Trainable part) {
    freeze(true);
    switch (part) {
      case MASKED_VIDEO -> mvm.freeze(false);
      case VIDEO_LANGUAGE -> vl.freeze(false);
      case CROSS_MODEL -> crossModel.freeze(false);
    }
  }

  @Override
  public ImageEncoding encodeForDecoding(NDArray images) {
    return vl.encodeForDecoding(images);
  }

  @Override
  public NDArray nextTokenLogits(NDArray imageTokens, NDArray prefix) {
    return vl.nextTokenLogits(imageTokens, prefix);
  }

  @Override
  public int vocabSize() {
    return vl.vocabSize();
  }

  @Override
  public int maxDecodeLength() {
    return vl.maxDecodeLength();
  }

  /** clips [B, 3, T, S, S] → the fused video features [B, E], not normalised. Frozen backbones run without a graph. */
  public NDArray videoFeatures(NDArray clips) {
    return fuse(frameTokens(clips), maskedVideoTokens(clips));
  }

  /** clips → the video-language trunk's frame tokens [B, T, W] (each frame's class token), as its pooling reads them. */
  private NDArray frameTokens(NDArray clips) {
    return backbone(vl.trunk(), () -> {
      NDArray f = vl.trunk().forwardFeatures(clips, Trace.NONE);                           // [B, T, P + N, W]
      return cfg.vl().vision().classToken() ? f.get(new NDIndex(":, :, 0")) : f.mean(new int[] {2});
    });
  }

  /** clips → every masked-video token, none masked [B, N, Wm]. */
  private NDArray maskedVideoTokens(NDArray clips) {
    return backbone(mvm.encoder(), () -> mvm.encoder().forward(clips, null, Trace.NONE));
  }

  private NDArray fuse(NDArray frames, NDArray other) {
    return vl.projectVisual(crossModel.forward(frames, other).mean(new int[] {1}));        // [B, E]
  }

  private static NDArray backbone(Module m, Supplier<NDArray> forward) {
    if (!m.namedParameters().values().stream().allMatch(Parameter::isFrozen)) return forward.get();
    try (NoGrad ng = NoGrad.open()) {
      return forward.get();
    }
  }

  /** clips [B, 3, T, S, S] → features along {@code path}, not normalised ([B, E], or [B, Wm] for the pooled tokens). */
  public NDArray videoFeatures(NDArray clips, VideoPath path) {
    return switch (path) {
      case FUSED -> videoFeatures(clips);
      case VIDEO_LANGUAGE -> vl.encodeVideo(clips, false);
      case MASKED_VIDEO_VIA_FUSION -> {
        NDArray other = maskedVideoTokens(clips);
        long b = other.getShape().get(0);
        yield fuse(other.getManager().zeros(new ai.djl.ndarray.types.Shape(b, cfg.vl().frames(), cfg.vl().vision().width())), other);
      }
      case MASKED_VIDEO_POOLED -> maskedVideoTokens(clips).mean(new int[] {1});
    };
  }

  /** This model's clips embedded along {@code path}, as a {@link VideoEmbedding} the evaluation code takes. */
  public VideoEmbedding view(VideoPath path) {
    InternVideo self = this;
    int dim = path == VideoPath.MASKED_VIDEO_POOLED ? cfg.mvm().encoder().width() : embedDim();
    return new VideoEmbedding() {
      @Override
      public NDArray encodeVideo(NDArray clips, boolean normalize) {
        NDArray f = self.videoFeatures(checkClips(clips), path);
        return normalize ? Ops.l2Normalize(f) : f;
      }

      @Override
      public int frames() {
        return self.frames();
      }

      @Override
      public int imageSize() {
        return self.imageSize();
      }

      @Override
      public int embedDim() {
        return dim;
      }
    };
  }

  private static NDArray checkClips(NDArray clips) {
    if (clips.getShape().dimension() != 5) throw new IllegalArgumentException("clips must be [B, 3, T, S, S], got " + clips.getShape());
    return clips;
  }

  @Override
  public NDArray encodeVideo(NDArray clips, boolean normalize) {
    NDArray f = videoFeatures(checkClips(clips));
    return normalize ? Ops.l2Normalize(f) : f;
  }

  /** Clips [B, 3, T, S, S] → the fused features; images [B, 3, S, S] → the video-language backbone's image features. */
  @Override
  public NDArray imageFeatures(NDArray images, Trace trace) {
    return images.getShape().dimension() == 5 ? videoFeatures(images) : vl.imageFeatures(images, trace);
  }

  @Override
  public NDArray textFeatures(NDArray ids, Trace trace) {
    return vl.textFeatures(ids, trace);
  }

  @Override
  public Parameter logitScale() {
    return vl.logitScale();
  }

  /**
   * {@code --init-from DIR}: from a trained InternVideo, both backbones and the caption decoder (everything but the
   * cross-model attention, which starts fresh); from a trained OmniVL of the same config (caption decoder included), the
   * video-language backbone.
   */
  @Override
  public String initFrom(ModelModule source, NDManager manager) {
    if (source instanceof InternVideo other) {
      InternVideoConfig o = other.config();
      if (!o.mvm().equals(cfg.mvm()) || !o.vl().equals(cfg.vl())) {
        throw new IllegalArgumentException("the InternVideo's backbones differ from this model's: " + o.summary() + " vs " + cfg.summary());
      }
      mvm.load(manager, other.mvm.stateDict());
      vl.load(manager, other.vl.stateDict());
      return "mvm.*, vl.* <- the folder's backbones; cross_model.* fresh (zero output: the video-language backbone)";
    }
    if (source instanceof OmniVl omnivl) {
      if (!omnivl.config().equals(cfg.vl())) {
        throw new IllegalArgumentException("the OmniVL's config differs from this InternVideo's video-language backbone: "
            + omnivl.config().summary() + " vs " + cfg.vl().summary());
      }
      vl.load(manager, omnivl.stateDict());
      return "vl.* <- the OmniVL (dual encoder and caption decoder)";
    }
    throw new IllegalArgumentException("InternVideo takes its backbones from a trained InternVideo (or its video-language "
        + "backbone from an OmniVL), not from " + source.config().arch());
  }

  /** For {@code vlt info}: each backbone's parts, the caption decoder and the cross-model attention. */
  @Override
  public List<Part> parameterBreakdown() {
    Map<String, Long> parts = new LinkedHashMap<>();
    for (String p : List.of("masked-video encoder", "masked-video pixel decoder", "video tower", "text tower and temperature",
        "caption decoder", "cross-model attention")) {
      parts.put(p, 0L);
    }
    for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) {
      String k = e.getKey();
      String part = k.startsWith("mvm.encoder.") ? "masked-video encoder"
          : k.startsWith("mvm.") ? "masked-video pixel decoder"
          : k.startsWith("vl.visual.") ? "video tower"
          : k.startsWith("vl.text_decoder.") ? "caption decoder"
          : k.startsWith("vl.") ? "text tower and temperature" : "cross-model attention";
      parts.merge(part, e.getValue().numel(), Long::sum);
    }
    return parts.entrySet().stream().map(e -> new Part(e.getKey(), e.getValue())).toList();
  }

  public VideoMae maskedVideo() {
    return mvm;
  }

  public OmniVl videoLanguage() {
    return vl;
  }

  public CrossModelAttention crossModel() {
    return crossModel;
  }

  @Override
  public int frames() {
    return cfg.vl().frames();
  }

  @Override
  public InternVideoConfig config() {
    return cfg;
  }

  @Override
  public int imageSize() {
    return cfg.imageSize();
  }

  @Override
  public int contextLength() {
    return vl.contextLength();
  }

  @Override
  public int embedDim() {
    return vl.embedDim();
  }
}
