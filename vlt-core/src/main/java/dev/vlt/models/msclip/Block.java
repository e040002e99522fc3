package dev.vlt.models.msclip;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.Attention;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.Mlp;
import dev.vlt.tensor.Trace;

/**
 * One modality's view of a residual block, assembled from the shared and the modality's own {@link PartialBlock}: the
 * pre-norm block of CLIP, {@code x + attn(ln_1 x)} then {@code x + mlp(ln_2 x)}. Not a module: it owns nothing.
 */
record Block(int layer, LayerNorm ln1, Attention attn, LayerNorm ln2, Mlp mlp) {
  static Block assemble(int layer, PartialBlock own, PartialBlock shared) {
    return new Block(layer, pick(own.ln1, shared.ln1), pick(own.attn, shared.attn), pick(own.ln2, shared.ln2),
        pick(own.mlp, shared.mlp));
  }

  private static <T> T pick(T own, T shared) {
    T t = own != null ? own : shared;
    if (t == null) throw new IllegalStateException("a sub-layer has no owner");
    return t;
  }

  /**
   * x: [B, L, W]; mask additive or null. Records the attention input ({@code prefix.attn_in.N}, for the analysis of
   * attention patterns) and the block output ({@code prefix.resblock.N_out}).
   */
  NDArray forward(NDArray x, NDArray mask, String prefix, Trace trace) {
    NDArray h = ln1.forward(x);
    trace.put(prefix + ".attn_in." + layer, h);
    x = x.add(attn.forward(h, mask));
    x = x.add(mlp.forward(ln2.forward(x)));
    trace.put(prefix + ".resblock." + layer + "_out", x);
    return x;
  }
}
