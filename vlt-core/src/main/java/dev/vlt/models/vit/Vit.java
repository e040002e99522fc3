package dev.vlt.models.vit;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.Linear;
import dev.vlt.nn.QkvAttention;
import dev.vlt.nn.VitBlock;
import dev.vlt.nn.VitBlocks;
import dev.vlt.nn.VitEmbed;
import dev.vlt.nn.pool.ClassToken;
import dev.vlt.nn.pool.LatentAttention;
import dev.vlt.nn.pool.MeanTokens;
import dev.vlt.nn.pool.Pooling;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Trace;

/**
 * The Vision Transformer (Dosovitskiy et al. 2021) in timm's layout: one trunk ({@code patch_embed}, {@code cls_token},
 * {@code pos_embed}, optional {@code norm_pre}, {@code blocks.N}, {@code norm}) with the pooling and head swapped in by
 * {@link VitConfig#globalPool}, as timm does. MAE's encoder is this trunk with fixed positions and no head. With
 * {@code pre_norm} it is CLIP's image tower under timm's names ({@link OpenClipTower} copies one in); the keys table is in
 * the fixture README ("timm naming vs open_clip").
 */
public final class Vit extends Module {
  private final VitConfig cfg;
  private final VitEmbed embed;
  private final LayerNorm normPre;
  private final VitBlocks blocks;
  private final LayerNorm norm;
  private final Pooling pool;
  private final LayerNorm fcNorm;
  private final Linear head;

  public Vit(VitConfig cfg) {
    this.cfg = cfg;
    int w = cfg.width();
    embed = inline(VitEmbed.image(cfg.inChans(), w, cfg.imageSize(), cfg.patchSize(), cfg.classToken(), cfg.positions()));
    QkvAttention.Bias bias = cfg.qkvBias() ? QkvAttention.Bias.QKV : QkvAttention.Bias.NONE;
    normPre = cfg.preNorm() ? child("norm_pre", new LayerNorm(w, VitBlock.LAYER_NORM_EPS)) : null;
    blocks = child("blocks", new VitBlocks(w, cfg.depth(), cfg.heads(), cfg.mlpRatio(), bias, cfg.dropPath()));
    norm = cfg.fcNorm() ? null : child("norm", new LayerNorm(w, VitBlock.LAYER_NORM_EPS));
    pool = switch (cfg.globalPool()) {
      case "token" -> child("pool", new ClassToken());                                     // no keys
      case "avg" -> child("pool", new MeanTokens(cfg.prefixTokens()));                      // no keys
      case "map" -> child("attn_pool", new LatentAttention(w, cfg.heads(), cfg.mlpRatio()));
      default -> throw new IllegalStateException(cfg.globalPool());
    };
    fcNorm = cfg.fcNorm() ? child("fc_norm", new LayerNorm(w, VitBlock.LAYER_NORM_EPS)) : null;
    head = cfg.numClasses() > 0 ? child("head", new Linear(w, cfg.numClasses())) : null;       // weight [C, W], with bias
  }

  /**
   * images [B, C, S, S] → all the outputs. Traces (timm's module names): {@code patch_embed.proj_out},
   * {@code patch_embed_out}, {@code embed_out}, {@code block.N_out}, {@code forward_features}, {@code pooled},
   * {@code pre_logits}, and for "map" {@code attn_pool.proj_out / norm_out / mlp_out}.
   */
  public VitOutput forward(NDArray images, Trace trace) {
    NDArray features = forwardFeatures(images, trace);                            // [B, P+N, W]
    NDArray preLogits = forwardHead(features, trace);                             // [B, W]
    return new VitOutput(features, preLogits, head == null ? preLogits : head.forward(preLogits));
  }

  /** images [B, C, S, S] → tokens [B, P + N, W]: embedding, blocks, and {@code norm} unless the pooling is "avg". */
  public NDArray forwardFeatures(NDArray images, Trace trace) {
    NDArray x = encode(embed.forward(images, trace), trace);
    trace.put("forward_features", x);
    return x;
  }

  /**
   * tokens [B, K, W] (any subset of embedded tokens, e.g. MAE's kept patches) → {@code norm_pre} if present, blocks, then
   * {@code norm} if present.
   */
  public NDArray encode(NDArray tokens, Trace trace) {
    return encode(tokens, null, trace);
  }

  /**
   * The same with an additive attention mask (broadcastable to [B, heads, K, K], or null): a single-stream model (ViLT,
   * VLC) runs padded text tokens beside the patches through this trunk.
   */
  public NDArray encode(NDArray tokens, NDArray mask, Trace trace) {
    NDArray x = blocks.forward(normPre == null ? tokens : normPre.forward(tokens), mask,
        (i, out) -> trace.put("block." + i + "_out", out));
    return norm == null ? x : norm.forward(x);
  }

  /** features [B, P + N, W] → the pooled vector after {@code fc_norm} (timm's {@code forward_head(pre_logits=True)}). */
  public NDArray forwardHead(NDArray features, Trace trace) {
    NDArray pooled = pool.forward(features, trace.prefixed("attn_pool."));        // [B, W]
    trace.put("pooled", pooled);
    NDArray preLogits = fcNorm == null ? pooled : fcNorm.forward(pooled);
    trace.put("pre_logits", preLogits);
    return preLogits;
  }

  /** The input stage (patch embedding, class token, positions), for models that work between it and the blocks. */
  public VitEmbed embed() {
    return embed;
  }

  public VitConfig config() {
    return cfg;
  }
}
