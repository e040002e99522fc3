package dev.vlt.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.vlt.nn.Activation;
import dev.vlt.tensor.Parameter;
import java.util.List;
import java.util.Map;

/**
 * The ONNX form of vlt's layers (nn.LayerNorm, nn.Attention, nn.Mlp, nn.Linear), each reading its parameters by the
 * module's checkpoint names under a prefix. Linear layers are written fp32 (MatMul + Add) or, where {@link Quantization}
 * asks, int8: DynamicQuantizeLinear → MatMulInteger → Cast → Mul by the scales → Add, the pattern ONNX Runtime fuses
 * into one quantised matmul.
 */
final class Layers {
  private final OnnxGraph g;
  private final Quantization quant;

  Layers(OnnxGraph g, Quantization quant) {
    this.g = g;
    this.quant = quant;
  }

  OnnxGraph graph() {
    return g;
  }

  /** nn.LayerNorm (eps 1e-5, the default of every CLIP layer norm) over the last axis. */
  String layerNorm(String x, String prefix, Map<String, Parameter> p) {
    Parameter w = get(p, prefix + ".weight");
    return g.node("LayerNormalization", List.of(x, g.floats(prefix + ".weight", ClipOnnx.values(w), ClipOnnx.dims(w)),
        g.floats(prefix + ".bias", ClipOnnx.values(get(p, prefix + ".bias")), ClipOnnx.dims(w))), "axis", -1L, "epsilon", 1e-5f);
  }

  /**
   * nn.Attention's self-attention: the fused in-projection (rows Q, K, V of {@code in_proj_weight}), heads of width d,
   * softmax(q·kᵀ/√d + mask)·v, {@code out_proj}. x: [B, L, W]; mask additive [L, L] or null.
   */
  String attention(String x, String prefix, Map<String, Parameter> p, int heads, String mask) {
    Parameter inW = get(p, prefix + ".in_proj_weight");
    int w = (int) inW.shape().get(1);
    int d = w / heads;
    String qkv = linear(x, prefix + ".in_proj", ClipOnnx.values(inW), 3 * w, w, ClipOnnx.values(get(p, prefix + ".in_proj_bias")), quant.blocks());
    String[] parts = g.nodeN("Split", "", List.of(qkv, g.longs("qkv_split", new long[] {w, w, w}, 3)), 3, "axis", -1L);
    String headShape = g.longs("head_shape", new long[] {0, 0, heads, d}, 4);
    String q = g.node("Transpose", List.of(g.node("Reshape", List.of(parts[0], headShape))), "perm", new long[] {0, 2, 1, 3});
    String k = g.node("Transpose", List.of(g.node("Reshape", List.of(parts[1], headShape))), "perm", new long[] {0, 2, 3, 1});
    String v = g.node("Transpose", List.of(g.node("Reshape", List.of(parts[2], headShape))), "perm", new long[] {0, 2, 1, 3});
    q = g.node("Div", List.of(q, g.scalar("sqrt_head_dim", (float) Math.sqrt(d))));
    String scores = g.node("MatMul", List.of(q, k));                                      // [B, H, L, L]
    if (mask != null) scores = g.node("Add", List.of(scores, mask));
    String out = g.node("MatMul", List.of(g.node("Softmax", List.of(scores), "axis", -1L), v));  // [B, H, L, d]
    out = g.node("Reshape", List.of(g.node("Transpose", List.of(out), "perm", new long[] {0, 2, 1, 3}),
        g.longs("merge_shape", new long[] {0, 0, w}, 3)));
    return linear(out, prefix + ".out_proj", p, quant.blocks());
  }

  /** nn.Mlp: c_proj(act(c_fc(x))), exact-erf GELU or QuickGELU. */
  String mlp(String x, String prefix, Map<String, Parameter> p, Activation act) {
    String h = linear(x, prefix + ".c_fc", p, quant.blocks());
    if (act == Activation.GELU) {
      // 0.5·x·(1 + erf(x/√2)), the form ONNX Runtime fuses into one Gelu
      String erf = g.node("Erf", List.of(g.node("Div", List.of(h, g.scalar("sqrt2", (float) Math.sqrt(2))))));
      h = g.node("Mul", List.of(g.node("Mul", List.of(h, g.node("Add", List.of(erf, g.scalar("one_f", 1f))))), g.scalar("half", 0.5f)));
    } else {
      h = g.node("Mul", List.of(h, g.node("Sigmoid", List.of(g.node("Mul", List.of(h, g.scalar("quick_gelu", 1.702f)))))));
    }
    return linear(h, prefix + ".c_proj", p, quant.blocks());
  }

  /** nn.Linear by its checkpoint names: weight [out, in], bias [out]. */
  String linear(String x, String prefix, Map<String, Parameter> p, boolean int8) {
    Parameter w = get(p, prefix + ".weight");
    Parameter b = p.get(prefix + ".bias");
    return linear(x, prefix, ClipOnnx.values(w), (int) w.shape().get(0), (int) w.shape().get(1),
        b == null ? null : ClipOnnx.values(b), int8);
  }

  /** A projection stored [in, out] and used as x @ proj (CLIP's {@code proj}, {@code text_projection}). */
  String projection(String x, String name, Parameter proj) {
    int in = (int) proj.shape().get(0);
    int out = (int) proj.shape().get(1);
    return matmul(x, name, ClipOnnx.values(proj), in, out, quant.projections());
  }

  /** y = x·Wᵀ + b for W [out, in] (row-major). */
  private String linear(String x, String name, float[] weight, int out, int in, float[] bias, boolean int8) {
    float[] t = new float[in * out];                                                       // Wᵀ: [in, out]
    for (int o = 0; o < out; o++) for (int i = 0; i < in; i++) t[i * out + o] = weight[o * in + i];
    String y = matmul(x, name, t, in, out, int8);
    return bias == null ? y : g.node("Add", List.of(y, g.floats(name + ".bias", bias, out)));
  }

  /** x @ B for B [in, out] row-major, fp32 or int8 per output column. */
  private String matmul(String x, String name, float[] b, int in, int out, boolean int8) {
    if (!int8) return g.node("MatMul", List.of(x, g.floats(name + ".weight_t", b, in, out)));
    Int8Weights q = Int8Weights.perColumn(b, in, out);
    String[] dq = g.nodeN("DynamicQuantizeLinear", "", List.of(x), 3);                    // uint8 x, scale [], zero point []
    String acc = g.node("MatMulInteger", List.of(dq[0], g.int8(name + ".weight_q", q.values(), in, out), dq[2],
        g.int8(name + ".weight_zero_point", new byte[out], out)));
    String scale = g.node("Mul", List.of(dq[1], g.floats(name + ".weight_scale", q.scales(), out)));
    return g.node("Mul", List.of(g.node("Cast", List.of(acc), "to", (long) TensorProto.DataType.FLOAT_VALUE), scale));
  }

  private static Parameter get(Map<String, Parameter> p, String name) {
    Parameter v = p.get(name);
    if (v == null) throw new IllegalStateException("no parameter " + name);
    return v;
  }
}
