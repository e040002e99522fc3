package dev.vlt.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;
import dev.vlt.tensor.Trace;

/**
 * A ViT's input stage in timm's layout: {@code patch_embed.proj} (a 2-D patch convolution with bias over images, or a
 * 3-D one over tubelets of video), an optional {@code cls_token} [1, 1, W] and position embeddings over the prefix
 * (class) token and the patch tokens. Owners register it inline, so its keys sit at their root as in timm, MAE and
 * VideoMAE. Patch tokens are the convolution map flattened row-major ((t', h', w') for video).
 *
 * <p>Adding positions to the patches first and prepending {@code cls_token + pos_embed[:, :1]} afterwards gives the same
 * values as timm's prepend-then-add, and lets MAE mask the patches in between.
 */
public final class VitEmbed extends Module {
  /** Where the position embeddings come from: the choice decides whether {@code pos_embed} is a key and is trained. */
  public enum Positions {
    /** A learned {@code pos_embed} [1, P + N, W] (timm). */
    LEARNED,
    /**
     * MAE's fixed 2-D sin-cos table ({@link SinCos#grid2d}, a zero cls row), stored as a frozen {@code pos_embed}
     * parameter: real checkpoints carry it, so it is loaded, never recomputed. Images only.
     */
    FIXED_SINCOS,
    /** VideoMAE's fixed 1-D table ({@link SinCos#sinusoid}) over the token index: computed, not a checkpoint key. No class token. */
    FIXED_SINUSOID
  }

  /** timm's {@code PatchEmbed} module: it only holds the convolution, under {@code proj}. */
  private static final class PatchEmbedding extends Module {
    PatchEmbedding(PatchEmbed proj) {
      child("proj", proj);
    }
  }

  private final int width;
  private final int tokens;
  private final int prefix;
  private final PatchEmbed proj;
  private final Parameter clsToken;
  private final Parameter posEmbed;
  private final float[] fixedTable;

  /** An image stem: P×P patches of [B, C, S, S] images, g = S/P, N = g². */
  public static VitEmbed image(int channels, int width, int imageSize, int patch, boolean classToken, Positions positions) {
    int grid = grid(imageSize, patch);
    return new VitEmbed(new PatchEmbed(channels, width, patch, true), width, grid * grid, grid, classToken, positions);
  }

  /** A tubelet stem: kt×P×P tubelets of [B, C, T, S, S] clips, N = (T/kt)·g². */
  public static VitEmbed video(int channels, int width, int frames, int imageSize, int tubelet, int patch, boolean classToken,
      Positions positions) {
    if (positions == Positions.FIXED_SINCOS) throw new IllegalArgumentException("the 2-D sin-cos positions are for images, not video");
    if (frames <= 0 || tubelet <= 0 || frames % tubelet != 0) {
      throw new IllegalArgumentException("frames " + frames + " are not divisible by the tubelet size " + tubelet);
    }
    int grid = grid(imageSize, patch);
    return new VitEmbed(PatchEmbed.tubelet(channels, width, tubelet, patch, true), width, frames / tubelet * grid * grid,
        grid, classToken, positions);
  }

  private static int grid(int imageSize, int patch) {
    if (imageSize <= 0 || patch <= 0 || imageSize % patch != 0) {
      throw new IllegalArgumentException("image size " + imageSize + " is not divisible by the patch size " + patch);
    }
    return imageSize / patch;
  }

  private VitEmbed(PatchEmbed proj, int width, int tokens, int grid, boolean classToken, Positions positions) {
    if (positions == Positions.FIXED_SINUSOID && classToken) {
      throw new IllegalArgumentException("the fixed sinusoid positions (VideoMAE) have no class-token row; use learned positions");
    }
    this.width = width;
    this.tokens = tokens;
    this.prefix = classToken ? 1 : 0;
    child("patch_embed", new PatchEmbedding(proj));
    this.proj = proj;
    clsToken = classToken ? param("cls_token", Init.normal(0.02), 1, 1, width) : null;
    long rows = prefix + tokens;
    switch (positions) {
      case LEARNED -> {
        posEmbed = param("pos_embed", Init.normal(0.02), 1, rows, width);
        fixedTable = null;
      }
      case FIXED_SINCOS -> {
        posEmbed = param("pos_embed", new Init.Values(SinCos.grid2d(width, grid, classToken)), 1, rows, width);
        posEmbed.setFrozen(true);                                          // MAE: nn.Parameter(requires_grad=False)
        fixedTable = null;
      }
      case FIXED_SINUSOID -> {
        posEmbed = null;
        fixedTable = SinCos.sinusoid(tokens, width);
      }
      default -> throw new IllegalStateException();
    }
  }

  /**
   * Patch tokens with their positions, no class token: images [B, C, S, S] (or clips [B, C, T, S, S]) → [B, N, W].
   * Traces {@code patch_embed.proj_out} (the convolution map) and {@code patch_embed_out} (flattened, before positions).
   */
  public NDArray patches(NDArray x, Trace trace) {
    NDArray map = proj.forward(x);                                          // [B, W, g, g] or [B, W, T', g, g]
    trace.put("patch_embed.proj_out", map);
    long b = map.getShape().get(0);
    NDArray tokens = map.reshape(b, width, -1).transpose(0, 2, 1);          // [B, N, W], row-major
    if (tokens.getShape().get(1) != this.tokens) {
      throw new IllegalArgumentException("input " + x.getShape() + " gives " + tokens.getShape().get(1) + " patches, the model has "
          + "positions for " + this.tokens);
    }
    trace.put("patch_embed_out", tokens);
    return tokens.add(positions(tokens).get(new NDIndex(":, {}:", prefix)));
  }

  /** Prepends {@code cls_token + pos_embed[:, :1]} to tokens [B, K, W] → [B, 1 + K, W]; without a class token, x itself. */
  public NDArray prependClass(NDArray x) {
    if (clsToken == null) return x;
    long b = x.getShape().get(0);
    NDArray cls = clsToken.value().add(posEmbed.value().get(new NDIndex(":, :1")));   // [1, 1, W]
    return NDArrays.concat(new NDList(cls.repeat(0, b), x), 1);
  }

  /** The whole input stage: [B, C, (T,) S, S] → [B, P + N, W], traced as {@code embed_out}. */
  public NDArray forward(NDArray x, Trace trace) {
    NDArray out = prependClass(patches(x, trace));
    trace.put("embed_out", out);
    return out;
  }

  /** The position table [1, P + N, W] (the fixed sinusoid one created in {@code like}'s manager). */
  public NDArray positions(NDArray like) {
    if (posEmbed != null) return posEmbed.value();
    return like.getManager().create(fixedTable, new Shape(1, tokens, width)).toType(like.getDataType(), false);
  }

  /** Prefix (class) tokens before the patches: 1 or 0. */
  public int prefixTokens() {
    return prefix;
  }

  /** Patch tokens N. */
  public int tokens() {
    return tokens;
  }

  public int width() {
    return width;
  }
}
