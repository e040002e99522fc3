package dev.vlt.models.coca;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.models.clip.VisionConfig;
import dev.vlt.nn.Activation;
import dev.vlt.nn.AttentionalPooler;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.PatchEmbed;
import dev.vlt.nn.PatchTokens;
import dev.vlt.nn.Transformer;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;
import dev.vlt.models.caption.ImageEncoding;
import dev.vlt.tensor.Trace;

/**
 * CoCa's image tower as open_clip builds it: CLIP's ViT up to its blocks, then an attentional pooler over all tokens
 * (class token included) and ln_post on the pooled queries. Query 0, projected, is the contrastive latent; queries 1.. are
 * the decoder's image tokens, unprojected. (The paper pools the two with separate poolers; open_clip's original CoCa,
 * whose checkpoints this loads, shares one.)
 */
public final class CocaVisual extends Module {
  private final VisionConfig cfg;
  private final PatchEmbed conv1;
  private final PatchTokens tokens;
  private final LayerNorm lnPre;
  private final Transformer transformer;
  private final AttentionalPooler attnPool;
  private final LayerNorm lnPost;
  private final Parameter proj;

  public CocaVisual(VisionConfig cfg, PoolerConfig pooler, int embedDim, Activation act) {
    this.cfg = cfg;
    int w = cfg.width();
    conv1 = child("conv1", new PatchEmbed(3, w, cfg.patchSize()));                  // weight [W, 3, P, P], no bias
    tokens = inline(new PatchTokens(w, cfg.grid()));
    lnPre = child("ln_pre", new LayerNorm(w));
    transformer = child("transformer", new Transformer(w, cfg.layers(), cfg.heads(), cfg.mlpRatio(), act, cfg.dropPath()));
    // queries of width E over tokens of width W: q_proj [E, E], k/v_proj [E, W] when W ≠ E
    attnPool = child("attn_pool", new AttentionalPooler(embedDim, w, pooler.heads(), pooler.queries()));
    lnPost = child("ln_post", new LayerNorm(embedDim));                              // on the pooled queries: width E
    proj = param("proj", Init.normal(Math.pow(embedDim, -0.5)), embedDim, embedDim);  // stored [in, out]: x @ proj
  }

  /** images: [B, 3, S, S] normalised pixels. */
  public ImageEncoding forward(NDArray images, Trace trace) {
    NDArray x = conv1.forward(images);                                                // [B, W, g, g]
    trace.put("vision.conv1_out", x);
    x = tokens.forward(x);                                                            // [B, 1+g², W]
    trace.put("vision.embed_out", x);
    x = lnPre.forward(x);
    trace.put("vision.ln_pre_out", x);
    x = transformer.forward(x, null, (i, out) -> trace.put("vision.resblock." + i + "_out", out));
    x = attnPool.forward(x);                                                          // [B, Q, E]
    trace.put("vision.attn_pool_out", x);
    x = lnPost.forward(x);
    trace.put("vision.ln_post_out", x);
    NDArray latent = x.get(new NDIndex(":, 0")).matMul(proj.value());                 // [B, E]
    return new ImageEncoding(latent, x.get(new NDIndex(":, 1:")));                    // tokens [B, Q-1, E]
  }

  public VisionConfig config() {
    return cfg;
  }
}
