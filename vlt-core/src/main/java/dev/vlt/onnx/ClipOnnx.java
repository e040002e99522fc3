package dev.vlt.onnx;

import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.models.clip.TextConfig;
import dev.vlt.models.clip.VisionConfig;
import dev.vlt.nn.Activation;
import dev.vlt.tensor.Parameter;
import java.util.List;
import java.util.Map;

/**
 * CLIP's two towers as ONNX graphs, written from the module's own parameters (by checkpoint name) and config: the same
 * computation as {@code VisionTransformer.forward} and {@code TextTransformer.forward}, op by op. Each graph takes a
 * dynamic batch and gives {@code features} (unnormalised, open_clip's {@code encode_*}) and {@code embedding}
 * (L2-normalised). The text graph takes ids [batch, context_length]: CLIP's tokenizer pads every text to that length.
 */
public final class ClipOnnx {
  static final TensorProto.DataType F32 = TensorProto.DataType.FLOAT;
  static final String BATCH = "batch";

  private final ClipConfig cfg;
  private final Map<String, Parameter> params;
  private final Quantization quant;

  private ClipOnnx(Clip clip, Quantization quant) {
    this.cfg = clip.config();
    this.params = clip.namedParameters();
    this.quant = quant;
  }

  /** The image tower: pixels [batch, 3, S, S] (normalised) → features, embedding [batch, E]. */
  public static ModelProto imageTower(Clip clip, Quantization quant) {
    return new ClipOnnx(clip, quant).image();
  }

  /** The text tower: ids [batch, L] int64 → features, embedding [batch, E]. */
  public static ModelProto textTower(Clip clip, Quantization quant) {
    return new ClipOnnx(clip, quant).text();
  }

  private ModelProto image() {
    VisionConfig v = cfg.vision();
    OnnxGraph g = new OnnxGraph("clip_image_tower");
    Layers l = new Layers(g, quant);
    int w = v.width();
    int grid = v.grid();
    String px = g.input("pixels", F32, BATCH, 3L, (long) v.imageSize(), (long) v.imageSize());
    Parameter conv = param("visual.conv1.weight");
    String patches = g.node("Conv", List.of(px, g.floats("conv1.weight", values(conv), dims(conv))),
        "kernel_shape", new long[] {v.patchSize(), v.patchSize()}, "strides", new long[] {v.patchSize(), v.patchSize()});
    // [B, W, g, g] → [B, g², W], row-major grid as PatchTokens
    patches = g.node("Transpose", List.of(g.node("Reshape", List.of(patches, g.longs("patch_shape", new long[] {0, w, (long) grid * grid}, 3)))),
        "perm", new long[] {0, 2, 1});
    // the class token, expanded over the batch: shape [B, 1, W] from the patch tensor's own batch size
    String batch = g.node("Slice", List.of(g.node("Shape", List.of(patches)), g.longs("zero", new long[] {0}, 1),
        g.longs("one", new long[] {1}, 1)));
    String clsShape = g.node("Concat", List.of(batch, g.longs("cls_tail", new long[] {1, w}, 2)), "axis", 0L);
    String cls = g.node("Expand", List.of(g.floats("class_embedding", values(param("visual.class_embedding")), 1, 1, w), clsShape));
    String x = g.node("Concat", List.of(cls, patches), "axis", 1L);
    x = g.node("Add", List.of(x, g.floats("positional_embedding", values(param("visual.positional_embedding")), (long) grid * grid + 1, w)));
    x = l.layerNorm(x, "visual.ln_pre", params);
    x = transformer(l, x, "visual.transformer", v.layers(), v.heads(), null);
    x = l.layerNorm(x, "visual.ln_post", params);
    String pooled = v.pool().equals("tok")
        ? g.node("Gather", List.of(x, g.longs("token0", new long[] {0})), "axis", 1L)
        : g.node("ReduceMean", List.of(g.node("Slice", List.of(x, g.longs("from1", new long[] {1}, 1),
            g.longs("to_end", new long[] {Long.MAX_VALUE}, 1), g.longs("axis1", new long[] {1}, 1)))), "axes", new long[] {1}, "keepdims", 0L);
    String features = l.projection(pooled, "visual.proj", param("visual.proj"));
    finish(g, features);
    g.metadata("image_size", Integer.toString(v.imageSize()));
    return g.build("1", "CLIP image tower exported by vlt (" + quant.label() + ")");
  }

  private ModelProto text() {
    TextConfig t = cfg.text();
    OnnxGraph g = new OnnxGraph("clip_text_tower");
    Layers l = new Layers(g, quant);
    int ctx = t.contextLength();
    String ids = g.input("ids", TensorProto.DataType.INT64, BATCH, (long) ctx);
    String x = g.node("Gather", List.of(g.floats("token_embedding", values(param("token_embedding.weight")), t.vocabSize(), t.width()), ids),
        "axis", 0L);
    x = g.node("Add", List.of(x, g.floats("text_positional_embedding", values(param("positional_embedding")), ctx, t.width())));
    float[] causal = new float[ctx * ctx];
    for (int i = 0; i < ctx; i++) for (int j = i + 1; j < ctx; j++) causal[i * ctx + j] = Float.NEGATIVE_INFINITY;
    String mask = g.floats("causal_mask", causal, ctx, ctx);
    x = transformer(l, x, "transformer", t.layers(), t.heads(), mask);
    x = l.layerNorm(x, "ln_final", params);
    String pooled = switch (t.pool()) {
      case "argmax", "eos" -> {
        // the first position of the largest id (CLIP's end-of-text) or of eos_id: ArgMax keeps the first of ties
        String key = t.pool().equals("argmax") ? ids
            : g.node("Equal", List.of(ids, g.longs("eos_id", new long[] {t.eosId()})));
        String index = g.node("ArgMax", List.of(g.node("Cast", List.of(key), "to", (long) TensorProto.DataType.INT32_VALUE)),
            "axis", -1L, "keepdims", 1L);                                                   // [B, 1]
        yield g.node("GatherND", List.of(x, index), "batch_dims", 1L);                      // [B, W]
      }
      case "first" -> g.node("Gather", List.of(x, g.longs("first", new long[] {0})), "axis", 1L);
      default -> g.node("Gather", List.of(x, g.longs("last", new long[] {ctx - 1})), "axis", 1L);
    };
    String features = l.projection(pooled, "text_projection", param("text_projection"));
    finish(g, features);
    g.metadata("context_length", Integer.toString(ctx));
    return g.build("1", "CLIP text tower exported by vlt (" + quant.label() + ")");
  }

  private String transformer(Layers l, String x, String prefix, int layers, int heads, String mask) {
    Activation act = cfg.activation();
    for (int i = 0; i < layers; i++) {
      String b = prefix + ".resblocks." + i;
      String h = l.attention(l.layerNorm(x, b + ".ln_1", params), b + ".attn", params, heads, mask);
      x = l.graph().node("Add", List.of(x, h));
      h = l.mlp(l.layerNorm(x, b + ".ln_2", params), b + ".mlp", params, act);
      x = l.graph().node("Add", List.of(x, h));
    }
    return x;
  }

  private void finish(OnnxGraph g, String features) {
    String norm = g.node("ReduceL2", List.of(features), "axes", new long[] {-1}, "keepdims", 1L);
    // F.normalize's eps: a zero row stays zero instead of dividing by zero
    String embedding = g.node("Div", List.of(features, g.node("Max", List.of(norm, g.scalar("norm_eps", 1e-12f)))));
    g.output(features, "features", F32, BATCH, (long) cfg.embedDim());
    g.output(embedding, "embedding", F32, BATCH, (long) cfg.embedDim());
    g.metadata("arch", ClipConfig.ARCH);
    g.metadata("embed_dim", Integer.toString(cfg.embedDim()));
    g.metadata("quantization", quant.label());
  }

  private Parameter param(String name) {
    Parameter p = params.get(name);
    if (p == null) throw new IllegalStateException("CLIP has no parameter " + name);
    return p;
  }

  static float[] values(Parameter p) {
    return p.value().toFloatArray();
  }

  static long[] dims(Parameter p) {
    Shape s = p.shape();
    return s.getShape();
  }
}
