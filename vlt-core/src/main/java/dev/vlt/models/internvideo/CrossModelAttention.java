package dev.vlt.models.internvideo;

import ai.djl.ndarray.NDArray;
import dev.vlt.models.mov.FusionBlock;
import dev.vlt.nn.Linear;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.ModuleList;

/**
 * InternVideo's learnable cross-model attention (Wang et al. 2022, section 3.3; the module was not released, so this is
 * built from the paper): the video-language backbone's per-frame tokens are the queries, the masked-video backbone's
 * space-time tokens — brought to the same width by {@code proj} — the keys and values. Each block is MOV's
 * {@link FusionBlock} (cross-attention then MLP, both residual, both output projections zero at initialisation), so a
 * fresh cross-model attention passes the queries through unchanged: the fused model starts as the contrastive backbone.
 * Keys: {@code proj} [W, Wm] with bias, {@code blocks.N} ({@code ln_q}, {@code ln_kv}, {@code attn}, {@code ln_2},
 * {@code mlp}).
 */
public final class CrossModelAttention extends Module {
  private final Linear proj;
  private final ModuleList<FusionBlock> blocks;

  CrossModelAttention(int width, int otherWidth, int layers, int heads, double mlpRatio) {
    proj = child("proj", new Linear(otherWidth, width));
    blocks = child("blocks", new ModuleList<>());
    for (int i = 0; i < layers; i++) blocks.add(new FusionBlock(width, heads, mlpRatio));
  }

  /** frames [B, T, W] (queries), other [B, N, Wm] (the masked-video tokens) → the fused frame tokens [B, T, W]. */
  public NDArray forward(NDArray frames, NDArray other) {
    NDArray kv = proj.forward(other);                                              // [B, N, W]
    NDArray q = frames;
    for (FusionBlock block : blocks.items()) q = block.forward(q, kv);
    return q;
  }
}
