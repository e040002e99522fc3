package dev.vlt.models.video;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.QkvAttention;
import dev.vlt.nn.VitBlock;
import dev.vlt.nn.VitBlocks;
import dev.vlt.nn.VitEmbed;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Trace;

/**
 * A space-time ViT with joint attention (VideoMAE's encoder, Tong et al. 2022): a 3-D tubelet convolution turns a clip
 * into (t', h', w') tokens, a fixed 1-D sinusoid table over the token index gives their positions, and ordinary ViT
 * blocks attend over all tokens of the clip at once. With tube masking only the visible tokens enter the blocks.
 * Keys (VideoMAE's): {@code patch_embed.proj} [W, C, k_t, P, P] with bias, {@code blocks.N} (q/v biases),
 * {@code norm}; no class token and no position key.
 */
public final class JointVit extends Module {
  private final JointVitConfig cfg;
  private final VitEmbed embed;
  private final VitBlocks blocks;
  private final LayerNorm norm;

  public JointVit(JointVitConfig cfg) {
    this.cfg = cfg;
    int w = cfg.width();
    embed = inline(VitEmbed.video(cfg.inChans(), w, cfg.frames(), cfg.imageSize(), cfg.tubelet(), cfg.patchSize(), false,
        VitEmbed.Positions.FIXED_SINUSOID));
    QkvAttention.Bias bias = cfg.qkvBias() ? QkvAttention.Bias.QV : QkvAttention.Bias.NONE;
    blocks = child("blocks", new VitBlocks(w, cfg.depth(), cfg.heads(), cfg.mlpRatio(), bias, cfg.dropPath()));
    norm = child("norm", new LayerNorm(w, VitBlock.LAYER_NORM_EPS));
  }

  /**
   * video [B, C, T, S, S] → tokens [B, V, W] after {@code norm}; {@code visible} [B, V] (ascending token indices, e.g.
   * {@link dev.vlt.nn.TubeMasking#indices}) picks the tokens that enter the blocks, null keeps all N. Traces
   * {@code patch_embed.proj_out}, {@code patch_embed_out}, {@code x_vis_in}, {@code block.N_out}, {@code norm_out}.
   */
  public NDArray forward(NDArray video, NDArray visible, Trace trace) {
    NDArray x = embed.patches(video, trace);                                      // [B, N, W] + positions
    if (visible != null) x = Ops.gatherRows(x, visible);                          // [B, V, W]
    trace.put("x_vis_in", x);
    x = blocks.forward(x, (i, out) -> trace.put("block." + i + "_out", out));
    x = norm.forward(x);
    trace.put("norm_out", x);
    return x;
  }

  /** The position table [1, N, W] (fixed, computed). */
  public NDArray positions(NDArray like) {
    return embed.positions(like);
  }

  public JointVitConfig config() {
    return cfg;
  }
}
