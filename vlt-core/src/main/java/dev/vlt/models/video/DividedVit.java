package dev.vlt.models.video;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.models.vit.Vit;
import dev.vlt.models.vit.VitConfig;
import dev.vlt.nn.DividedBlock;
import dev.vlt.nn.DropPath;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.QkvAttention;
import dev.vlt.nn.VitBlock;
import dev.vlt.nn.VitEmbed;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.ModuleList;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A space-time ViT with divided attention (Bertasius et al. 2021, TimeSformer): every frame is embedded as an image ViT
 * embeds it, a learned {@code time_embed} [1, T, W] marks the frame, and each {@link DividedBlock} attends over time and
 * then over space. Keys are the image ViT's trunk ({@code patch_embed}, {@code cls_token}, {@code pos_embed},
 * {@code blocks.N}, {@code norm}) plus TimeSformer's {@code time_embed} and per-block temporal parts, so
 * {@link #fromImage} starts from an image checkpoint.
 *
 * <p>Class tokens. TimeSformer keeps one class token per clip, feeds a copy into every frame's spatial attention and
 * averages the copies after each block; a model initialised from an image ViT then differs from it as soon as frames
 * differ. Here each frame keeps its own class token (it takes part in temporal attention like every other position),
 * so a model built by {@link #fromImage} gives exactly the image model's per-frame outputs until training moves the
 * temporal parts; {@link #pooled} averages the frames' class tokens for the clip.
 */
public final class DividedVit extends Module {
  private final VitConfig cfg;
  private final int frames;
  private final int tubelet;
  private final VitEmbed embed;
  private final Parameter timeEmbed;
  private final ModuleList<DividedBlock> blocks;
  private final LayerNorm norm;

  /** @param image the image ViT whose trunk each frame goes through (its pooling and head are not part of this model) */
  public DividedVit(VitConfig image, int frames) {
    this(image, frames, 1);
  }

  /**
   * @param tubelet frames per time step: 1 embeds every frame as the image ViT does; k &gt; 1 embeds each run of k frames
   *     as one tubelet (a k×P×P convolution, {@code patch_embed.proj} [W, C, k, P, P], as VideoMAE's stem), so a single
   *     token already sees how its patch changes between neighbouring frames. An image is then a still tubelet (the frame
   *     repeated k times).
   */
  public DividedVit(VitConfig image, int frames, int tubelet) {
    if (frames <= 0) throw new IllegalArgumentException("a clip needs at least one frame, got " + frames);
    if (tubelet <= 0 || frames % tubelet != 0) {
      throw new IllegalArgumentException("frames " + frames + " are not divisible by the tubelet size " + tubelet);
    }
    this.cfg = image;
    this.frames = frames;
    this.tubelet = tubelet;
    int w = image.width();
    embed = inline(tubelet == 1
        ? VitEmbed.image(image.inChans(), w, image.imageSize(), image.patchSize(), image.classToken(), image.positions())
        : VitEmbed.video(image.inChans(), w, tubelet, image.imageSize(), tubelet, image.patchSize(), image.classToken(),
            image.positions()));
    // From scratch: small random, like pos_embed. With time_embed and every temporal_fc at zero the clip is a bag of frames
    // and stays one: temporal attention without time positions is permutation-equivariant, the frame average then
    // invariant, so no first-order gradient tells time_embed or temporal_fc apart from their zero (measured: omnivl
    // trained 700 steps from zeros embedded a clip and its reverse at cosine 0.999999). fromImage zeroes it (TimeSformer).
    timeEmbed = param("time_embed", Init.normal(0.02), 1, frames / tubelet, w);
    blocks = child("blocks", new ModuleList<>());
    QkvAttention.Bias bias = image.qkvBias() ? QkvAttention.Bias.QKV : QkvAttention.Bias.NONE;
    for (int i = 0; i < image.depth(); i++) {
      blocks.add(new DividedBlock(w, image.heads(), image.mlpRatio(), bias, DropPath.rate(image.dropPath(), i, image.depth())));
    }
    norm = image.fcNorm() ? null : child("norm", new LayerNorm(w, VitBlock.LAYER_NORM_EPS));
  }

  /**
   * A divided-attention model that starts as {@code image}: every trunk weight copied, {@code time_embed} and each
   * {@code temporal_fc} zero, and — as TimeSformer initialises it — {@code temporal_attn} and {@code temporal_norm1}
   * copies of the block's spatial {@code attn} and {@code norm1}. Values are created in {@code manager}.
   */
  public static DividedVit fromImage(Vit image, int frames, NDManager manager) {
    return fromImage(image, frames, 1, manager);
  }

  /**
   * As {@link #fromImage(Vit, int, NDManager)} with tubelets of {@code tubelet} frames: the image's patch kernel is
   * inflated over them, divided by k (I3D's inflation), so a still tubelet embeds as the image does.
   */
  public static DividedVit fromImage(Vit image, int frames, int tubelet, NDManager manager) {
    DividedVit video = new DividedVit(image.config(), frames, tubelet);
    Map<String, NDArray> imageState = image.stateDict();
    Map<String, NDArray> state = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : video.namedParameters().entrySet()) {
      String key = e.getKey();
      String source = key.replace(".temporal_attn.", ".attn.").replace(".temporal_norm1.", ".norm1.");
      if (key.equals("time_embed") || key.contains(".temporal_fc.")) {
        state.put(key, manager.zeros(e.getValue().shape()));
      } else if (key.equals("patch_embed.proj.weight") && tubelet > 1) {
        state.put(key, imageState.get(key).expandDims(2).repeat(2, tubelet).div(tubelet));   // [W, C, P, P] → [W, C, k, P, P]
      } else if (imageState.containsKey(source)) {
        state.put(key, imageState.get(source));
      } else {
        throw new IllegalArgumentException("the image ViT has no '" + source + "' for '" + key + "'");
      }
    }
    video.load(manager, state);
    return video;
  }

  /**
   * video [B, C, T, S, S] → tokens [B, T', P + N, W] after {@code norm} (where the image model has it), T' = T / tubelet
   * time steps. An image enters as a one-frame clip [B, C, 1, S, S] and, as in OmniVL's decoupled encoder, skips
   * everything temporal (time embedding and temporal attention): it is the image ViT (with tubelets, a still one).
   * Traces {@code embed_out} ([B, T', P + N, W], with the time embedding), {@code block.N_out}, {@code forward_features}.
   */
  public NDArray forwardFeatures(NDArray video, Trace trace) {
    long b = video.getShape().get(0);
    if (video.getShape().dimension() != 5 || (video.getShape().get(2) != frames && video.getShape().get(2) != 1)) {
      throw new IllegalArgumentException("this model takes clips [B, C, " + frames + ", H, W] or images as [B, C, 1, H, W], got "
          + video.getShape());
    }
    if (tubelet > 1 && video.getShape().get(2) == 1) video = video.repeat(2, tubelet);  // an image: one still tubelet
    long c = video.getShape().get(1), h = video.getShape().get(3), wd = video.getShape().get(4);
    long t = video.getShape().get(2) / tubelet;                                    // time steps
    NDArray perStep = tubelet == 1
        ? video.transpose(0, 2, 1, 3, 4).reshape(b * t, c, h, wd)                  // [B·T, C, S, S]
        : video.reshape(b, c, t, tubelet, h, wd).transpose(0, 2, 1, 3, 4, 5).reshape(b * t, c, tubelet, h, wd);  // [B·T', C, k, S, S]
    NDArray x = embed.forward(perStep, Trace.NONE);                                // [B·T', P+N, W]
    long n = x.getShape().get(1);
    long w = x.getShape().get(2);
    x = x.reshape(b, t, n, w);                                                     // [B, T, P+N, W]
    if (t > 1) x = x.add(timeEmbed.value().reshape(1, t, 1, w));
    trace.put("embed_out", x);
    for (int i = 0; i < blocks.size(); i++) {
      x = blocks.get(i).forward(x);
      trace.put("block." + i + "_out", x);
    }
    if (norm != null) x = norm.forward(x);
    trace.put("forward_features", x);
    return x;
  }

  /** features [B, T, P + N, W] → one clip vector [B, W]: the frames' class tokens (patch means without one), averaged. */
  public NDArray pooled(NDArray features) {
    NDArray perFrame = cfg.classToken()
        ? features.get(new NDIndex(":, :, 0"))                                     // [B, T, W]
        : features.mean(new int[] {2});
    return perFrame.mean(new int[] {1});
  }

  public int frames() {
    return frames;
  }

  /** Frames per time step (1: every frame is a step). */
  public int tubelet() {
    return tubelet;
  }

  public VitConfig config() {
    return cfg;
  }
}
