package dev.vlt.models.msclip;

import ai.djl.ndarray.NDArray;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.ModelModule;
import dev.vlt.nn.Attention;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * MS-CLIP (You et al., ECCV 2022): CLIP in which image patches and text tokens run through one transformer. The
 * {@link Sharing} of the config decides, block by block and sub-layer by sub-layer, which weights both modalities use;
 * the rest stays modality-specific. Optional early specialization ({@link ConvStem} for images, an own block 0 for
 * text) and a {@link ParallelBranch} beside the image side are the paper's two modality-specific additions.
 *
 * <p>State dict: the image side under {@code visual.} and the text side at the root with CLIP's names, the shared block
 * parts under {@code shared.resblocks.N}. At the fully-separate end ({@link Sharing#NONE}) the key set is exactly
 * open_clip's CLIP, and the model computes what that CLIP computes.
 */
public final class MsClip extends Module implements ContrastiveModel, ModelModule {
  /** The two inputs of the one transformer. */
  public enum Modality { IMAGE, TEXT }

  /** Where a block's attention sits for one modality: the module and whether the other modality uses it too. */
  public record AttentionSite(int layer, Attention attention, boolean shared) {}

  private final MsClipConfig cfg;
  private final VisionEncoder visual;
  private final TextEncoder text;
  private final Parameter logitScale;

  public MsClip(MsClipConfig cfg) {
    this.cfg = cfg;
    BlockStack shared = new BlockStack(cfg, i -> BlockStack.shared(cfg.sharing(), i));
    visual = child("visual", new VisionEncoder(cfg, shared));
    text = inline(new TextEncoder(cfg, shared));
    child("shared", shared);
    logitScale = param("logit_scale", new Init.Constant(cfg.initLogitScale()));  // shape []: log(1/T)
  }

  /**
   * images [B, 3, S, S] → [B, E], not normalised. Besides CLIP's intermediates the trace receives each block's attention
   * input {@code vision.attn_in.N} (and {@code text.attn_in.N} from {@link #textFeatures}).
   */
  @Override
  public NDArray imageFeatures(NDArray images, Trace trace) {
    return visual.forward(images, trace);
  }

  /** ids [B, L] → [B, E], not normalised. */
  @Override
  public NDArray textFeatures(NDArray ids, Trace trace) {
    return text.forward(ids, trace);
  }

  /** Image tokens after ln_post [B, 1 + g², W]. */
  public NDArray imageTokens(NDArray images, Trace trace) {
    return visual.forwardTokens(images, trace);
  }

  /** Text tokens after ln_final [B, L, W]. */
  public NDArray textTokens(NDArray ids, Trace trace) {
    return text.forwardTokens(ids, trace);
  }

  /**
   * A loaded model as MS-CLIP: its own module, or a CLIP whose towers have equal shape as the fully-separate MS-CLIP
   * (same keys, same outputs) holding a copy of its weights in {@code manager}; an error for anything else.
   */
  public static MsClip of(dev.vlt.models.LoadedModel lm, ai.djl.ndarray.NDManager manager) {
    if (lm.module() instanceof MsClip m) return m;
    if (!(lm.module() instanceof dev.vlt.models.clip.Clip clip)) {
      throw new IllegalArgumentException(lm.describe() + " is a " + lm.architecture().title() + " model, neither MS-CLIP nor CLIP");
    }
    MsClip m = new MsClip(MsClipConfig.separateFrom(clip.config()));
    m.load(manager, clip.stateDict());
    return m;
  }

  /** The attention of each block a modality runs through, in order (images skip block 0 under early specialization). */
  public List<AttentionSite> attentionSites(Modality m) {
    List<AttentionSite> out = new ArrayList<>();
    for (Block b : m == Modality.IMAGE ? visual.blocks() : text.blocks()) {
      out.add(new AttentionSite(b.layer(), b.attn(), cfg.sharing().shares(b.layer(), Sharing.SubLayer.ATTENTION)));
    }
    return out;
  }

  /** The additive attention mask a modality's blocks use for {@code ids} (text: causal [L, L]); null for images. */
  public NDArray attentionMask(Modality m, NDArray ids, NDArray like) {
    return m == Modality.IMAGE ? null : TextEncoder.causalMask(ids, like);
  }

  public ParameterSplit parameterSplit() {
    return ParameterSplit.of(this);
  }

  @Override
  public MsClipConfig config() {
    return cfg;
  }

  @Override
  public Parameter logitScale() {
    return logitScale;
  }

  @Override
  public int imageSize() {
    return cfg.imageSize();
  }

  @Override
  public int contextLength() {
    return cfg.contextLength();
  }

  @Override
  public int embedDim() {
    return cfg.embedDim();
  }
}
