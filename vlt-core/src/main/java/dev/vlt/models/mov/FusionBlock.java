package dev.vlt.models.mov;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.Activation;
import dev.vlt.nn.Attention;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.Mlp;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;

/**
 * One block of MOV's cross-modal fusion: the RGB tokens (queries) attend to the flow and audio tokens, then an MLP, both
 * residual. Both branches' output projections ({@code attn.out_proj}, {@code mlp.c_proj}) start at zero, so at
 * initialisation the block passes the RGB tokens through unchanged and MOV is its frozen starting model. InternVideo's
 * cross-model attention uses the same block, its queries the video-language backbone's frame tokens.
 */
public final class FusionBlock extends Module {
  private final LayerNorm lnQ;
  private final LayerNorm lnKv;
  private final Attention attn;
  private final LayerNorm ln2;
  private final Mlp mlp;

  public FusionBlock(int width, int heads, double mlpRatio) {
    lnQ = child("ln_q", new LayerNorm(width));
    lnKv = child("ln_kv", new LayerNorm(width));
    attn = child("attn", new Attention(width, heads, width, Init.ZEROS));            // in_proj_weight [3W, W], out_proj
    ln2 = child("ln_2", new LayerNorm(width));
    mlp = child("mlp", Mlp.zeroOutput(width, (int) (width * mlpRatio), Activation.GELU));  // c_fc, c_proj
  }

  /** q: [B, T, W] the RGB frames' class tokens; kv: [B, K, W] the other modalities' (or model's) tokens → [B, T, W]. */
  public NDArray forward(NDArray q, NDArray kv) {
    q = q.add(attn.forward(lnQ.forward(q), lnKv.forward(kv), null));
    return q.add(mlp.forward(ln2.forward(q)));
  }
}
