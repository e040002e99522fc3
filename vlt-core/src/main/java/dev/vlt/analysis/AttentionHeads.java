package dev.vlt.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.nn.Attention;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Parameter;
import java.util.Map;

/**
 * What an attention layer does per head, recomputed from its weights: the attention probabilities and each head's output
 * before the out-projection. {@link Attention} itself returns only the mixed result; recomputing here keeps the layer
 * lean, and a test checks that out_proj of these head outputs is exactly what the layer returns.
 *
 * @param probabilities softmax attention [B, H, L, S]
 * @param outputs per-head outputs probabilities · V_h, [B, H, L, W/H]
 */
public record AttentionHeads(NDArray probabilities, NDArray outputs) {
  /** Self-attention of {@code attn} (fused in-projection) on its normalised input x [B, L, W]; mask additive or null. */
  public static AttentionHeads of(Attention attn, NDArray x, NDArray mask) {
    Map<String, Parameter> p = attn.namedParameters();
    Parameter inProj = p.get("in_proj_weight");
    if (inProj == null) throw new IllegalArgumentException("attention heads are read from a fused in_proj_weight; this layer has separate q/k/v");
    long b = x.getShape().get(0);
    long l = x.getShape().get(1);
    int w = (int) x.getShape().get(2);
    int h = attn.heads();
    int d = w / h;
    NDArray qkv = Ops.linear(x, inProj.value(), p.get("in_proj_bias").value());       // [B, L, 3W]
    NDArray q = qkv.get(new NDIndex("..., :{}", w)).reshape(b, l, h, d).transpose(0, 2, 1, 3);
    NDArray k = qkv.get(new NDIndex("..., {}:{}", w, 2 * w)).reshape(b, l, h, d).transpose(0, 2, 3, 1);
    NDArray v = qkv.get(new NDIndex("..., {}:", 2 * w)).reshape(b, l, h, d).transpose(0, 2, 1, 3);
    NDArray scores = Ops.div(q, Math.sqrt(d)).matMul(k);                            // [B, H, L, L]
    if (mask != null) scores = scores.add(mask);
    NDArray probs = scores.softmax(-1);
    return new AttentionHeads(probs, probs.matMul(v));
  }
}
