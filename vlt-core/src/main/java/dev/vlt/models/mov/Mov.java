package dev.vlt.models.mov;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.ModelModule;
import dev.vlt.models.ParameterBreakdown;
import dev.vlt.models.TowerInit;
import dev.vlt.models.VideoEmbedding;
import dev.vlt.models.omnivl.OmniVl;
import dev.vlt.models.video.DividedVit;
import dev.vlt.models.vit.Vit;
import dev.vlt.models.vit.VitConfig;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.ModuleList;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MOV (Qian, Kong, Wang, Li, Cui, Li, Song, Gong 2022, "Multimodal Open-Vocabulary Video Classification via Pre-Trained
 * Vision and Language Models"): a pre-trained video-language model whose vision encoder takes RGB as it was trained
 * (frozen by default) and, through copies of it that are fine-tuned, optical flow and the sound's log-mel spectrogram;
 * a cross-attention fusion lets the RGB frames' class tokens attend to the flow and audio tokens, and the fused video
 * embedding is classified against the frozen text encoder's embeddings of class names — base classes in training, any
 * class at test time (open vocabulary).
 *
 * <p>Here the pre-trained model is an OmniVL dual encoder (a divided space-time ViT and a text tower), inlined at the
 * root with its own keys ({@code visual.trunk.*}, {@code visual.proj}, the text tower, {@code logit_scale}), so an
 * OmniVL folder's weights load into it unchanged ({@link #initFrom}). The copies: {@code flow.*} a divided space-time
 * ViT over the T - 1 flow images between consecutive frames (the RGB trunk's weights, {@code time_embed} cut to T - 1
 * frames), {@code audio.*} an image ViT over the spectrogram (the trunk's spatial weights; the temporal parts have
 * nothing to attend over in one image). {@code flow_type} and {@code audio_type} [1, 1, W] mark each copy's tokens for the
 * fusion ({@code fusion.N}, {@link FusionBlock}), whose residual branches start at zero: a fresh MOV over a trained
 * OmniVL embeds a clip exactly as that OmniVL does, whatever its flow and sound. The fused frames' class tokens are
 * averaged and go through the starting model's projection {@code visual.proj}.
 */
public final class Mov extends Module implements ContrastiveModel, VideoEmbedding, TowerInit, ModelModule, ParameterBreakdown {
  private final MovConfig cfg;
  private final OmniVl start;
  private final DividedVit flow;
  private final Vit audio;
  private final Parameter flowType;
  private final Parameter audioType;
  private final ModuleList<FusionBlock> fusion;

  public Mov(MovConfig cfg) {
    this.cfg = cfg;
    VitConfig v = cfg.base().vision();
    start = inline(new OmniVl(cfg.base()));
    flow = child("flow", new DividedVit(v, cfg.flowFrames()));
    audio = child("audio", new Vit(v));
    flowType = param("flow_type", Init.normal(0.02), 1, 1, v.width());
    audioType = param("audio_type", Init.normal(0.02), 1, 1, v.width());
    fusion = child("fusion", new ModuleList<>());
    for (int i = 0; i < cfg.fusionLayers(); i++) fusion.add(new FusionBlock(v.width(), cfg.fusionHeads(), v.mlpRatio()));
  }

  /**
   * For {@code vlt info}: the starting model's RGB tower (with its projection) and its text tower and temperature (both
   * frozen by default), the flow and audio copies with their type embeddings, and the fusion.
   */
  @Override
  public List<Part> parameterBreakdown() {
    long rgb = 0, text = 0, flowCopy = 0, audioCopy = 0, fused = 0;
    for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) {
      String k = e.getKey();
      long n = e.getValue().numel();
      if (k.startsWith("visual.")) rgb += n;
      else if (k.startsWith("flow.") || k.equals("flow_type")) flowCopy += n;
      else if (k.startsWith("audio.") || k.equals("audio_type")) audioCopy += n;
      else if (k.startsWith("fusion.")) fused += n;
      else text += n;                                       // the OmniVL's text tower at the root, logit_scale
    }
    return List.of(new Part("RGB tower", rgb), new Part("text tower and temperature", text),
        new Part("flow copy", flowCopy), new Part("audio copy", audioCopy), new Part("fusion", fused));
  }

  /**
   * The fused video features [B, E], not normalised. clips [B, 3, T, S, S] normalised pixels; flow [B, 3, T - 1, S, S]
   * ({@link MovInputs#flow}); audio [B, 3, S, S] ({@link MovInputs#audioImage}) or null for a silent video (the fusion then
   * attends to the flow tokens alone). The RGB trunk runs without a graph while it is frozen.
   */
  public NDArray videoFeatures(NDArray clips, NDArray flowImages, NDArray audioImage) {
    NDArray rgb;                                                                        // [B, T, P + N, W]
    if (rgbFrozen()) {
      try (NoGrad ng = NoGrad.open()) {
        rgb = start.trunk().forwardFeatures(clips, Trace.NONE);
      }
    } else {
      rgb = start.trunk().forwardFeatures(clips, Trace.NONE);
    }
    NDArray q = frameTokens(rgb);                                                       // [B, T, W]
    long b = rgb.getShape().get(0), w = rgb.getShape().get(3);
    NDArray f = flow.forwardFeatures(flowImages, Trace.NONE);                          // [B, T - 1, P + N, W]
    NDArray kv = f.reshape(b, -1, w).add(flowType.value());                             // [B, (T - 1)(P + N), W]
    if (audioImage != null) {
      NDArray a = audio.forwardFeatures(audioImage, Trace.NONE).add(audioType.value()); // [B, P + N, W]
      kv = NDArrays.concat(new NDList(kv, a), 1);
    }
    for (FusionBlock block : fusion.items()) q = block.forward(q, kv);
    return start.projectVisual(q.mean(new int[] {1}));                                  // [B, E]
  }

  /** features [B, T, P + N, W] → each frame's class token (patch mean without one) [B, T, W], as the trunk pools. */
  private NDArray frameTokens(NDArray features) {
    return cfg.base().vision().classToken() ? features.get(new NDIndex(":, :, 0")) : features.mean(new int[] {2});
  }

  private boolean rgbFrozen() {
    return start.trunk().namedParameters().values().stream().allMatch(Parameter::isFrozen);
  }

  /** Freezes (or unfreezes) the starting model: RGB tower, projection, text tower and temperature. */
  public void freezeStart(boolean frozen) {
    start.freeze(frozen);
  }

  /** clips [B, 3, T, S, S] → fused features with the flow computed from them and no sound (a video file's frames alone). */
  @Override
  public NDArray encodeVideo(NDArray clips, boolean normalize) {
    if (clips.getShape().dimension() != 5) throw new IllegalArgumentException("clips must be [B, 3, T, S, S], got " + clips.getShape());
    NDArray f = videoFeatures(clips, MovInputs.flow(clips, cfg), null);
    return normalize ? Ops.l2Normalize(f) : f;
  }

  /** A still image has neither motion nor sound: it is embedded by the starting model alone. */
  @Override
  public NDArray imageFeatures(NDArray images, Trace trace) {
    return start.imageFeatures(images, trace);
  }

  @Override
  public NDArray textFeatures(NDArray ids, Trace trace) {
    return start.textFeatures(ids, trace);
  }

  @Override
  public Parameter logitScale() {
    return start.logitScale();
  }

  /**
   * Takes every weight of a trained OmniVL of the same shape ({@code vlt train --init-from OMNIVL_FOLDER}), then makes the
   * flow and audio encoders copies of its visual trunk.
   */
  @Override
  public String initFrom(ModelModule source, NDManager manager) {
    if (!(source instanceof OmniVl omnivl)) {
      throw new IllegalArgumentException("MOV starts from a trained OmniVL, not from " + source.config().arch());
    }
    if (!omnivl.config().equals(cfg.base())) {
      throw new IllegalArgumentException("the OmniVL's config differs from this MOV's starting model: " + omnivl.config().summary()
          + " vs " + cfg.base().summary());
    }
    start.load(manager, omnivl.stateDict());
    copyTrunk(manager);
    return "the OmniVL (RGB and text towers, temperature) <- " + "the folder's; flow.* and audio.* <- copies of its visual trunk";
  }

  /**
   * Makes {@code flow} and {@code audio} copies of the RGB trunk as it is now: every spatial weight, {@code time_embed}
   * cut to the T - 1 flow frames for {@code flow}; the image ViT {@code audio} takes no temporal parts.
   */
  public void copyTrunk(NDManager manager) {
    Map<String, NDArray> trunk = start.trunk().stateDict();
    Map<String, NDArray> forFlow = new LinkedHashMap<>(trunk);
    forFlow.put("time_embed", trunk.get("time_embed").get(new NDIndex(":, :{}, :", cfg.flowFrames())));
    flow.load(manager, forFlow);
    Map<String, NDArray> forAudio = new LinkedHashMap<>();
    trunk.forEach((k, v) -> {
      if (!k.equals("time_embed") && !k.contains(".temporal_")) forAudio.put(k, v);
    });
    audio.load(manager, forAudio);
  }

  /** The starting model (frozen by default in training). */
  public OmniVl start() {
    return start;
  }

  public DividedVit flowEncoder() {
    return flow;
  }

  public Vit audioEncoder() {
    return audio;
  }

  /** The fusion blocks and the modality markers: everything MOV adds beside the two copies. */
  public Map<String, Parameter> fusionParameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    fusion.namedParameters().forEach((k, p) -> out.put("fusion." + k, p));
    out.put("flow_type", flowType);
    out.put("audio_type", audioType);
    return out;
  }

  @Override
  public int frames() {
    return cfg.base().frames();
  }

  @Override
  public MovConfig config() {
    return cfg;
  }

  @Override
  public int imageSize() {
    return cfg.imageSize();
  }

  @Override
  public int contextLength() {
    return start.contextLength();
  }

  @Override
  public int embedDim() {
    return start.embedDim();
  }
}
