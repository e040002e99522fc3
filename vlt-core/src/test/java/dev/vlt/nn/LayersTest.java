package dev.vlt.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Shapes, names and float64 finite-difference gradients of every layer on tiny sizes. */
class LayersTest {
  private NDManager m;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    m.close();
  }

  private NDArray input(long... shape) {
    return m.randomNormal(new Shape(shape), DataType.FLOAT32).toType(DataType.FLOAT64, false);
  }

  /** Initialises in float64, checks the output shape, then gradients of Σ out·r for a fixed random r. */
  private void checkLayer(Module layer, Function<Module, NDArray> forward, long... outShape) {
    layer.initialize(m, 3);
    layer.castTo(DataType.FLOAT64);
    NDArray out = forward.apply(layer);
    assertEquals(new Shape(outShape), out.getShape());
    NDArray r = input(outShape);
    int n = GradCheck.check(layer, () -> forward.apply(layer).mul(r).sum(), 4);
    assertTrue(n > 0, "no entries were checked");
  }

  @Test
  void linear() {
    NDArray x = input(2, 3, 5);
    checkLayer(new Linear(5, 4), l -> ((Linear) l).forward(x), 2, 3, 4);
    assertEquals(List.of("weight", "bias"), List.copyOf(new Linear(5, 4).namedParameters().keySet()));
  }

  @Test
  void layerNorm() {
    NDArray x = input(2, 3, 6);
    checkLayer(new LayerNorm(6), l -> ((LayerNorm) l).forward(x), 2, 3, 6);
  }

  @Test
  void embedding() {
    NDArray ids = m.create(new long[] {0, 3, 3, 1, 2, 4}, new Shape(2, 3));
    checkLayer(new Embedding(5, 4, 0.02), l -> ((Embedding) l).forward(ids), 2, 3, 4);
  }

  @Test
  void mlpBothActivations() {
    NDArray x = input(2, 3, 4);
    checkLayer(new Mlp(4, 8, Activation.GELU), l -> ((Mlp) l).forward(x), 2, 3, 4);
    checkLayer(new Mlp(4, 8, Activation.QUICK_GELU), l -> ((Mlp) l).forward(x), 2, 3, 4);
  }

  @Test
  void geluIsExactErfForm() {
    try (NoGrad ng = NoGrad.open()) {
      NDArray x = m.create(new double[] {-3, -1, -0.5, 0, 0.5, 1, 3});
      double[] got = Ops.gelu(x).toDoubleArray();
      // GELU(x) = x·Φ(x), Φ the standard normal CDF; the tanh approximation is off by 4e-4 at x = -3
      double[] phi = {0.0013498980316301, 0.15865525393145707, 0.3085375387259869, 0.5, 0.6914624612740131,
          0.8413447460685429, 0.9986501019683699};
      double[] xs = x.toDoubleArray();
      for (int i = 0; i < xs.length; i++) assertEquals(xs[i] * phi[i], got[i], 1e-12);
      double[] q = Ops.quickGelu(x).toDoubleArray();
      // 1.702 enters as a float32 scalar, as a Python float does on a float32 tensor
      for (int i = 0; i < xs.length; i++) assertEquals(xs[i] / (1 + Math.exp(-1.702 * xs[i])), q[i], 1e-8);
    }
  }

  @Test
  void selfAttentionWithCausalMask() {
    NDArray x = input(2, 5, 8);
    NDArray mask = Ops.causalMask(m, 5, DataType.FLOAT64);
    checkLayer(new Attention(8, 2), l -> ((Attention) l).forward(x, mask), 2, 5, 8);
  }

  @Test
  void causalMaskHidesTheFuture() {
    try (NoGrad ng = NoGrad.open()) {
      Attention attn = new Attention(8, 2);
      attn.initialize(m, 1);
      NDArray x = m.randomNormal(new Shape(1, 4, 8));
      NDArray mask = Ops.causalMask(m, 4, DataType.FLOAT32);
      NDArray a = attn.forward(x, mask);
      NDArray x2 = x.duplicate();
      x2.set(new ai.djl.ndarray.index.NDIndex("0, 3"), 5f); // change only the last token
      NDArray b = attn.forward(x2, mask);
      assertArrayEquals(a.get("0, :3").toFloatArray(), b.get("0, :3").toFloatArray(), 1e-6f);
      assertTrue(a.get("0, 3").sub(b.get("0, 3")).abs().max().getFloat() > 1e-3);
    }
  }

  @Test
  void crossAttentionWithOtherKeyWidth() {
    NDArray q = input(2, 3, 8);
    NDArray kv = input(2, 5, 6);
    Attention attn = new Attention(8, 2, 6);
    assertEquals(List.of("q_proj_weight", "k_proj_weight", "v_proj_weight", "in_proj_bias", "out_proj.weight",
        "out_proj.bias"), List.copyOf(attn.namedParameters().keySet()));
    checkLayer(attn, l -> ((Attention) l).forward(q, kv, null), 2, 3, 8);
  }

  @Test
  void fusedCrossAttentionEqualsSelfAttentionOnSameInput() {
    try (NoGrad ng = NoGrad.open()) {
      Attention attn = new Attention(8, 2);
      attn.initialize(m, 5);
      NDArray x = m.randomNormal(new Shape(2, 4, 8));
      NDArray self = attn.forward(x, null);
      NDArray cross = attn.forward(x, x, null);
      assertTrue(self.sub(cross).abs().max().getFloat() < 1e-6);
    }
  }

  @Test
  void residualBlockAndTransformer() {
    NDArray x = input(2, 4, 8);
    NDArray mask = Ops.causalMask(m, 4, DataType.FLOAT64);
    checkLayer(new ResidualBlock(8, 2, 2.0, Activation.GELU), l -> ((ResidualBlock) l).forward(x, mask), 2, 4, 8);
    Transformer t = new Transformer(8, 2, 2, 2.0, Activation.GELU, 0.0);
    assertTrue(t.namedParameters().containsKey("resblocks.1.attn.in_proj_weight"));
    assertTrue(t.namedParameters().containsKey("resblocks.0.mlp.c_fc.weight"));
    checkLayer(t, l -> ((Transformer) l).forward(x, mask), 2, 4, 8);
  }

  @Test
  void crossAttentionBlockHasKvNorm() {
    NDArray x = input(2, 3, 8);
    NDArray kv = input(2, 5, 8);
    ResidualBlock b = new ResidualBlock(8, 2, 2.0, Activation.GELU, true, 0.0);
    assertTrue(b.namedParameters().containsKey("ln_1_kv.weight"));
    checkLayer(b, l -> ((ResidualBlock) l).forward(x, kv, null), 2, 3, 8);
  }

  @Test
  void qkvAttentionSelfAndCross() {
    NDArray x = input(2, 4, 8);
    NDArray keep = m.create(new long[] {1, 1, 1, 0, 1, 1, 1, 1}, new Shape(2, 4));
    NDArray mask = Ops.keyPaddingMask(keep, DataType.FLOAT64);
    QkvAttention self = new QkvAttention(8, 2);
    assertEquals(List.of("query.weight", "query.bias", "key.weight", "key.bias", "value.weight", "value.bias",
        "output.weight", "output.bias"), List.copyOf(self.namedParameters().keySet()));
    checkLayer(self, l -> ((QkvAttention) l).forward(x, mask), 2, 4, 8);
    NDArray kv = input(2, 5, 6);
    QkvAttention cross = new QkvAttention(8, 2, 6);
    assertEquals(new Shape(8, 6), cross.namedParameters().get("key.weight").shape());
    checkLayer(cross, l -> ((QkvAttention) l).forward(x, kv, null), 2, 4, 8);
  }

  @Test
  void qkvAttentionEqualsFusedAttentionWithTheSameWeights() {
    try (NoGrad ng = NoGrad.open()) {
      QkvAttention qkv = new QkvAttention(8, 2);
      qkv.initialize(m, 4);
      Map<String, NDArray> w = qkv.stateDict();
      Attention fused = new Attention(8, 2);
      Map<String, NDArray> packed = new java.util.HashMap<>();
      packed.put("in_proj_weight", NDArrays.concat(new NDList(w.get("query.weight"), w.get("key.weight"), w.get("value.weight"))));
      packed.put("in_proj_bias", NDArrays.concat(new NDList(w.get("query.bias"), w.get("key.bias"), w.get("value.bias"))));
      packed.put("out_proj.weight", w.get("output.weight"));
      packed.put("out_proj.bias", w.get("output.bias"));
      fused.load(m, packed);
      NDArray x = m.randomNormal(new Shape(2, 5, 8));
      NDArray mask = Ops.keyPaddingMask(m.create(new long[] {1, 1, 0, 0, 0, 1, 1, 1, 1, 0}, new Shape(2, 5)), DataType.FLOAT32);
      assertTrue(qkv.forward(x, mask).sub(fused.forward(x, mask)).abs().max().getFloat() < 1e-6);
    }
  }

  @Test
  void keyPaddingMaskHidesPaddedKeys() {
    try (NoGrad ng = NoGrad.open()) {
      QkvAttention attn = new QkvAttention(8, 2);
      attn.initialize(m, 6);
      NDArray x = m.randomNormal(new Shape(1, 4, 8));
      NDArray mask = Ops.keyPaddingMask(m.create(new long[] {1, 1, 1, 0}, new Shape(1, 4)), DataType.FLOAT32);
      NDArray x2 = x.duplicate();
      x2.set(new ai.djl.ndarray.index.NDIndex("0, 3"), 7f);  // only the padded token changes
      NDArray a = attn.forward(x, mask);
      NDArray b = attn.forward(x2, mask);
      assertArrayEquals(a.get("0, :3").toFloatArray(), b.get("0, :3").toFloatArray(), 1e-6f);
      assertEquals(new Shape(1, 1, 1, 4), mask.getShape());
      assertArrayEquals(new float[] {0, 0, 0, Float.NEGATIVE_INFINITY}, mask.toFloatArray());
    }
  }

  @Test
  void postNormBlocksAndEncoder() {
    NDArray x = input(2, 4, 8);
    NDArray mask = Ops.keyPaddingMask(m.create(new long[] {1, 1, 1, 1, 1, 1, 0, 0}, new Shape(2, 4)), DataType.FLOAT64);
    PostNormBlock block = new PostNormBlock(8, 2, 16, 1e-12);
    assertEquals(List.of("attention", "feedforward", "attention_layernorm", "feedforward_layernorm"),
        List.copyOf(block.children().keySet()));
    assertTrue(block.namedParameters().containsKey("feedforward.model.2.weight"));
    checkLayer(block, l -> ((PostNormBlock) l).forward(x, mask), 2, 4, 8);
    PostNormEncoder encoder = new PostNormEncoder(8, 2, 2, 16, 1e-12);
    assertTrue(encoder.namedParameters().containsKey("layer.1.attention.query.weight"));
    checkLayer(encoder, l -> ((PostNormEncoder) l).forward(x, mask), 2, 4, 8);
    NDArray kv = input(2, 3, 6);
    PostNormCrossBlock cross = new PostNormCrossBlock(8, 2, 16, 6, 1e-12);
    assertEquals(List.of("attention", "cross_attention", "feedforward", "attention_layernorm", "cross_attention_layernorm",
        "feedforward_layernorm"), List.copyOf(cross.children().keySet()));
    checkLayer(cross, l -> ((PostNormCrossBlock) l).forward(x, mask, kv, null), 2, 4, 8);
  }

  @Test
  void postNormOutputsAreNormalised() {
    try (NoGrad ng = NoGrad.open()) {
      PostNormBlock block = new PostNormBlock(8, 2, 16, 1e-12);
      block.initialize(m, 8);
      NDArray y = block.forward(m.randomNormal(new Shape(1, 3, 8)).mul(10), null);
      // post-norm: the block ends in a LayerNorm with unit gain and zero bias
      assertTrue(y.mean(new int[] {-1}).abs().max().getFloat() < 1e-5);
      assertTrue(y.pow(2).mean(new int[] {-1}).sub(1).abs().max().getFloat() < 1e-4);
    }
  }

  @Test
  void patchEmbedWithBias() {
    NDArray img = input(2, 3, 8, 8);
    PatchEmbed pe = new PatchEmbed(3, 6, 4, true);
    assertEquals(List.of("weight", "bias"), List.copyOf(pe.namedParameters().keySet()));
    checkLayer(pe, l -> ((PatchEmbed) l).forward(img), 2, 6, 2, 2);
  }

  @Test
  void patchEmbed() {
    NDArray img = input(2, 3, 8, 8);
    checkLayer(new PatchEmbed(3, 6, 4), l -> ((PatchEmbed) l).forward(img), 2, 6, 2, 2);
  }

  @Test
  void patchEmbedIsALinearMapOfEachPatch() {
    try (NoGrad ng = NoGrad.open()) {
      PatchEmbed pe = new PatchEmbed(3, 6, 4);
      pe.initialize(m, 2);
      NDArray img = m.randomNormal(new Shape(1, 3, 8, 8));
      NDArray out = pe.forward(img); // [1, 6, 2, 2]
      // patch (row 1, col 0), flattened in (c, ph, pw) order, times weight [6, 48]ᵀ
      NDArray patch = img.get("0, :, 4:8, 0:4").reshape(1, 48);
      NDArray w = pe.namedParameters().get("weight").value().reshape(6, 48);
      NDArray expected = patch.matMul(w.transpose()).reshape(6);
      assertArrayEquals(expected.toFloatArray(), out.get("0, :, 1, 0").toFloatArray(), 1e-5f);
    }
  }

  @Test
  void dropoutAndDropPathOnlyInTraining() {
    try (NoGrad ng = NoGrad.open()) {
      NDArray x = m.ones(new Shape(64, 16));
      Dropout d = new Dropout(0.5);
      DropPath dp = new DropPath(0.5);
      assertArrayEquals(x.toFloatArray(), d.forward(x).toFloatArray());
      assertArrayEquals(x.toFloatArray(), dp.forward(x).toFloatArray());
      d.train(true);
      dp.train(true);
      float[] a = d.forward(x).toFloatArray();
      long zeros = 0;
      for (float v : a) {
        assertTrue(v == 0f || Math.abs(v - 2f) < 1e-6);
        if (v == 0f) zeros++;
      }
      assertTrue(zeros > 300 && zeros < 724, "dropped " + zeros + " of 1024");
      NDArray p = dp.forward(x);
      for (int i = 0; i < 64; i++) {
        float[] row = p.get(i).toFloatArray();
        for (float v : row) assertEquals(row[0], v, 0f); // whole samples are kept or dropped
      }
    }
  }
}
