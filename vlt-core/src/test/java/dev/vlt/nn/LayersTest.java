package dev.vlt.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import dev.vlt.tensor.Trace;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Shapes, names and float64 finite-difference gradients of every layer on tiny sizes (open_clip, timm and torchmultimodal layouts). */
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

  private void checkLayer(Module layer, Function<Module, NDArray> forward, long... outShape) {
    GradCheck.checkLayer(m, layer, forward, outShape);
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

  // timm-layout layers (MAE, VideoMAE, TimeSformer build on them) and TimeSformer's divided block

  @Test
  void qkvAttentionBiasKindsAndKeys() {
    assertEquals(List.of("qkv.weight", "qkv.bias", "proj.weight", "proj.bias"),
        List.copyOf(QkvAttention.timm(8, 2, QkvAttention.Bias.QKV).namedParameters().keySet()));
    assertEquals(List.of("q_bias", "v_bias", "qkv.weight", "proj.weight", "proj.bias"),
        List.copyOf(QkvAttention.timm(8, 2, QkvAttention.Bias.QV).namedParameters().keySet()));
    assertEquals(List.of("qkv.weight", "proj.weight", "proj.bias"),
        List.copyOf(QkvAttention.timm(8, 2, QkvAttention.Bias.NONE).namedParameters().keySet()));
    NDArray x = input(2, 5, 8);
    for (QkvAttention.Bias bias : QkvAttention.Bias.values()) {
      checkLayer(QkvAttention.timm(8, 2, bias), l -> ((QkvAttention) l).forward(x, null), 2, 5, 8);
    }
  }

  @Test
  void qvBiasIsTheFusedBiasWithZeroKeys() {
    // VideoMAE's q_bias/v_bias equal a full qkv bias whose k third is 0
    try (NoGrad ng = NoGrad.open()) {
      QkvAttention qv = QkvAttention.timm(8, 2, QkvAttention.Bias.QV);
      QkvAttention full = QkvAttention.timm(8, 2, QkvAttention.Bias.QKV);
      qv.initialize(m, 1);
      GradCheck.perturbZeros(m, qv);
      Map<String, NDArray> s = qv.stateDict();
      NDArray bias = s.get("q_bias").concat(m.zeros(new Shape(8))).concat(s.get("v_bias"));
      full.load(m, Map.of("qkv.weight", s.get("qkv.weight"), "qkv.bias", bias, "proj.weight", s.get("proj.weight"),
          "proj.bias", s.get("proj.bias")));
      NDArray x = m.randomNormal(new Shape(2, 5, 8));
      assertTrue(qv.forward(x, null).sub(full.forward(x, null)).abs().max().getFloat() < 1e-6);
    }
  }

  @Test
  void vitBlockAndStackUseTimmNames() {
    VitBlocks stack = new VitBlocks(8, 2, 2, 2.0, QkvAttention.Bias.QKV, 0.1);
    assertEquals(List.of("norm1.weight", "norm1.bias", "attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight", "attn.proj.bias",
        "norm2.weight", "norm2.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias"),
        stack.namedParameters().keySet().stream().filter(k -> k.startsWith("1.")).map(k -> k.substring(2)).toList());
    NDArray x = input(2, 4, 8);
    checkLayer(new VitBlock(8, 2, 2.0, QkvAttention.Bias.QKV, 0.0), l -> ((VitBlock) l).forward(x, null), 2, 4, 8);
    checkLayer(stack, l -> ((VitBlocks) l).forward(x, null), 2, 4, 8);
  }

  @Test
  void vitBlockIsOpenClipsBlockUnderOtherNames() {
    // the math of ResidualBlock under other names: map the keys across and compare. Only the LayerNorm eps differs
    // (1e-6 here, 1e-5 there), which moves unit-scale outputs by about 1e-5.
    try (NoGrad ng = NoGrad.open()) {
      VitBlock timm = new VitBlock(8, 2, 2.0, QkvAttention.Bias.QKV, 0.0);
      timm.initialize(m, 4);
      GradCheck.perturbZeros(m, timm);
      Map<String, NDArray> s = timm.stateDict();
      Map<String, NDArray> clip = new java.util.HashMap<>();
      s.forEach((k, v) -> clip.put(k.replace("norm1", "ln_1").replace("norm2", "ln_2").replace("attn.qkv.weight", "attn.in_proj_weight")
          .replace("attn.qkv.bias", "attn.in_proj_bias").replace("attn.proj", "attn.out_proj").replace("mlp.fc1", "mlp.c_fc")
          .replace("mlp.fc2", "mlp.c_proj"), v));
      ResidualBlock open = new ResidualBlock(8, 2, 2.0, Activation.GELU);
      open.load(m, clip);
      NDArray x = m.randomNormal(new Shape(2, 4, 8));
      assertTrue(timm.forward(x, null).sub(open.forward(x, null)).abs().max().getFloat() < 1e-4);
    }
  }

  @Test
  void tubeletEmbedIsALinearMapOfEachTubelet() {
    try (NoGrad ng = NoGrad.open()) {
      PatchEmbed pe = PatchEmbed.tubelet(3, 6, 2, 4, true);
      assertEquals(new Shape(6, 3, 2, 4, 4), pe.namedParameters().get("weight").shape());
      pe.initialize(m, 2);
      GradCheck.perturbZeros(m, pe);
      NDArray video = m.randomNormal(new Shape(1, 3, 4, 8, 8));
      NDArray out = pe.forward(video);                                     // [1, 6, 2, 2, 2]
      assertEquals(new Shape(1, 6, 2, 2, 2), out.getShape());
      // tubelet (t' 1, row 0, col 1), flattened (c, kt, kh, kw), times weight [6, 96]ᵀ plus bias
      NDArray tubelet = video.get("0, :, 2:4, 0:4, 4:8").reshape(1, 96);
      NDArray w = pe.namedParameters().get("weight").value().reshape(6, 96);
      NDArray expected = tubelet.matMul(w.transpose()).reshape(6).add(pe.namedParameters().get("bias").value());
      assertArrayEquals(expected.toFloatArray(), out.get("0, :, 1, 0, 1").toFloatArray(), 1e-5f);
    }
    NDArray clip = input(1, 2, 2, 4, 4);
    checkLayer(PatchEmbed.tubelet(2, 4, 2, 2, true), l -> ((PatchEmbed) l).forward(clip), 1, 4, 1, 2, 2);
  }

  @Test
  void embedKeysAndTokenOrder() {
    VitEmbed img = VitEmbed.image(3, 8, 16, 4, true, VitEmbed.Positions.LEARNED);
    assertEquals(Set.of("patch_embed.proj.weight", "patch_embed.proj.bias", "cls_token", "pos_embed"),
        img.namedParameters().keySet());
    assertEquals(new Shape(1, 17, 8), img.namedParameters().get("pos_embed").shape());
    VitEmbed video = VitEmbed.video(3, 8, 4, 16, 2, 4, false, VitEmbed.Positions.FIXED_SINUSOID);
    assertEquals(List.of("patch_embed.proj.weight", "patch_embed.proj.bias"), List.copyOf(video.namedParameters().keySet()));
    assertEquals(32, video.tokens());
    VitEmbed fixed = VitEmbed.image(3, 8, 16, 4, true, VitEmbed.Positions.FIXED_SINCOS);
    assertTrue(fixed.namedParameters().get("pos_embed").isFrozen());
    NDArray images = input(2, 3, 16, 16);
    checkLayer(img, l -> ((VitEmbed) l).forward(images, Trace.NONE), 2, 17, 8);
    try (NoGrad ng = NoGrad.open()) {
      // the class token gets cls_token + pos_embed[0]; patch token t = row·g + col gets patch (row, col) + pos_embed[1 + t]
      NDArray x = m.randomNormal(new Shape(1, 3, 16, 16)).toType(DataType.FLOAT64, false);
      Map<String, NDArray> trace = new java.util.HashMap<>();
      NDArray out = img.forward(x, trace::put);
      NDArray pos = img.namedParameters().get("pos_embed").value();
      NDArray cls = img.namedParameters().get("cls_token").value();
      assertArrayEquals(cls.add(pos.get(":, 0:1")).toDoubleArray(), out.get(":, 0:1").toDoubleArray(), 1e-12);
      NDArray map = trace.get("patch_embed.proj_out");                      // [1, 8, 4, 4]
      NDArray patch = map.get("0, :, 2, 1").add(pos.get("0, {}", 1 + 2 * 4 + 1));
      assertArrayEquals(patch.toDoubleArray(), out.get("0, {}", 1 + 2 * 4 + 1).toDoubleArray(), 1e-12);
    }
  }

  @Test
  void dividedBlockKeysAreTheImageBlockPlusTimeSformersTemporalParts() {
    DividedBlock block = new DividedBlock(8, 2, 2.0, QkvAttention.Bias.QKV, 0.0);
    List<String> image = List.copyOf(new VitBlock(8, 2, 2.0, QkvAttention.Bias.QKV, 0.0).namedParameters().keySet());
    List<String> keys = List.copyOf(block.namedParameters().keySet());
    assertTrue(keys.containsAll(image), keys.toString());
    assertEquals(List.of("temporal_norm1.weight", "temporal_norm1.bias", "temporal_attn.qkv.weight", "temporal_attn.qkv.bias",
        "temporal_attn.proj.weight", "temporal_attn.proj.bias", "temporal_fc.weight", "temporal_fc.bias"),
        keys.stream().filter(k -> !image.contains(k)).toList());
  }

  @Test
  void freshDividedBlockIsTheImageBlockOnEachFrame() {
    try (NoGrad ng = NoGrad.open()) {
      DividedBlock block = new DividedBlock(8, 2, 2.0, QkvAttention.Bias.QKV, 0.0);
      block.initialize(m, 6);
      VitBlock image = new VitBlock(8, 2, 2.0, QkvAttention.Bias.QKV, 0.0);
      Map<String, NDArray> spatial = new java.util.HashMap<>(block.stateDict());
      spatial.keySet().removeIf(k -> k.startsWith("temporal_"));
      image.load(m, spatial);
      NDArray x = m.randomNormal(new Shape(2, 3, 5, 8));                    // [B, T, N, W]
      NDArray perFrame = image.forward(x.reshape(6, 5, 8), null).reshape(2, 3, 5, 8);
      assertEquals(0.0, block.forward(x).sub(perFrame).abs().max().getFloat(), "zero temporal_fc adds exactly 0");
      // once temporal_fc is non-zero, frames see each other: changing frame 2 moves frame 0's output
      GradCheck.perturbZeros(m, block);
      NDArray before = block.forward(x).get(":, 0");
      NDArray changed = x.duplicate();
      changed.set(new NDIndex(":, 2"), 1f);
      assertTrue(block.forward(changed).get(":, 0").sub(before).abs().max().getFloat() > 1e-4);
    }
  }

  @Test
  void dividedBlockGradients() {
    NDArray x = input(2, 3, 4, 8);
    checkLayer(new DividedBlock(8, 2, 2.0, QkvAttention.Bias.QKV, 0.0), l -> ((DividedBlock) l).forward(x), 2, 3, 4, 8);
  }

  @Test
  void badShapesAreNamed() {
    PatchEmbed pe = new PatchEmbed(3, 4, 4, true);
    pe.initialize(m, 1);
    String msg = assertThrows(IllegalArgumentException.class,
        () -> pe.forward(m.zeros(new Shape(1, 3, 10, 8)))).getMessage();
    assertTrue(msg.contains("10 is not divisible by the patch size 4"), msg);
    assertFalse(assertThrows(IllegalArgumentException.class,
        () -> VitEmbed.video(3, 8, 5, 16, 2, 4, false, VitEmbed.Positions.LEARNED)).getMessage().isEmpty());
  }

  // torchmultimodal-layout layers (BERT, ALBEF's fusion and answer decoder)

  @Test
  void qkvAttentionSelfAndCross() {
    NDArray x = input(2, 4, 8);
    NDArray keep = m.create(new long[] {1, 1, 1, 0, 1, 1, 1, 1}, new Shape(2, 4));
    NDArray mask = Ops.keyPaddingMask(keep, DataType.FLOAT64);
    QkvAttention self = QkvAttention.torchmultimodal(8, 2);
    assertEquals(List.of("query.weight", "query.bias", "key.weight", "key.bias", "value.weight", "value.bias",
        "output.weight", "output.bias"), List.copyOf(self.namedParameters().keySet()));
    checkLayer(self, l -> ((QkvAttention) l).forward(x, mask), 2, 4, 8);
    NDArray kv = input(2, 5, 6);
    QkvAttention cross = QkvAttention.torchmultimodal(8, 2, 6);
    assertEquals(new Shape(8, 6), cross.namedParameters().get("key.weight").shape());
    checkLayer(cross, l -> ((QkvAttention) l).forward(x, kv, null), 2, 4, 8);
  }

  @Test
  void qkvAttentionEqualsFusedAttentionWithTheSameWeights() {
    try (NoGrad ng = NoGrad.open()) {
      QkvAttention qkv = QkvAttention.torchmultimodal(8, 2);
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
      QkvAttention attn = QkvAttention.torchmultimodal(8, 2);
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
  void bothQkvLayoutsComputeTheSameAttention() {
    // timm's fused qkv rows [q; k; v] are torchmultimodal's query, key and value: the same weights give the same result,
    // in self-attention and (the fused layout projecting both sequences) in cross-attention
    try (NoGrad ng = NoGrad.open()) {
      QkvAttention timm = QkvAttention.timm(8, 2, QkvAttention.Bias.QKV);
      timm.initialize(m, 9);
      GradCheck.perturbZeros(m, timm);
      Map<String, NDArray> s = timm.stateDict();
      Map<String, NDArray> separate = new java.util.HashMap<>();
      String[] names = {"query", "key", "value"};
      for (int i = 0; i < 3; i++) {
        separate.put(names[i] + ".weight", s.get("qkv.weight").get(new NDIndex("{}:{}", 8 * i, 8 * (i + 1))));
        separate.put(names[i] + ".bias", s.get("qkv.bias").get(new NDIndex("{}:{}", 8 * i, 8 * (i + 1))));
      }
      separate.put("output.weight", s.get("proj.weight"));
      separate.put("output.bias", s.get("proj.bias"));
      QkvAttention tmm = QkvAttention.torchmultimodal(8, 2);
      tmm.load(m, separate);
      NDArray x = m.randomNormal(new Shape(2, 4, 8));
      NDArray kv = m.randomNormal(new Shape(2, 6, 8));
      NDArray mask = Ops.keyPaddingMask(m.create(new long[] {1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0}, new Shape(2, 6)),
          DataType.FLOAT32);
      assertTrue(timm.forward(x, null).sub(tmm.forward(x, null)).abs().max().getFloat() < 1e-6);
      NDArray cross = timm.forward(x, kv, mask);
      assertEquals(new Shape(2, 4, 8), cross.getShape());
      assertTrue(cross.sub(tmm.forward(x, kv, mask)).abs().max().getFloat() < 1e-6);
    }
    NDArray q = input(2, 4, 8);
    NDArray kv = input(2, 6, 8);
    checkLayer(QkvAttention.timm(8, 2, QkvAttention.Bias.QV), l -> ((QkvAttention) l).forward(q, kv, null), 2, 4, 8);
  }
}
