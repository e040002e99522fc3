package dev.vlt.nn.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.nn.GradCheck;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.NoGrad;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Shapes, the identities that pin GeM and GGeM down, checkpoint names and float64 finite-difference gradients. */
class PoolingTest {
  private static final int B = 2;
  private static final int N = 6;
  private static final int W = 8;
  private static final int HEADS = 4;
  private NDManager m;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    m.close();
  }

  /** Signed tokens [B, 1 + N, W] in float64, like a ViT's output after ln_post. */
  private NDArray tokens() {
    return m.randomNormal(new Shape(B, 1 + N, W), DataType.FLOAT32).toType(DataType.FLOAT64, false);
  }

  private <P extends Pooling> P ready(P pool) {
    pool.asModule().initialize(m, 5);
    pool.asModule().castTo(DataType.FLOAT64);
    return pool;
  }

  private static void assertClose(NDArray expected, NDArray actual, double tol) {
    assertEquals(expected.getShape(), actual.getShape());
    double[] e = expected.toDoubleArray();
    double[] a = actual.toDoubleArray();
    for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], tol, "entry " + i);
  }

  @Test
  void everyKindMapsTokensToOneVector() {
    try (NoGrad ng = NoGrad.open()) {
      NDArray x = tokens();
      for (String type : Pooling.TYPES) {
        Pooling p = ready(Pooling.create(type, W, HEADS));
        assertEquals(type, p.type());
        NDArray out = p.forward(x);
        assertEquals(new Shape(B, W), out.getShape(), type);
        for (double v : out.toDoubleArray()) assertTrue(Double.isFinite(v), type + " gave " + v);
      }
    }
  }

  @Test
  void classTokenIsTokenZeroAndMeanLeavesItOut() {
    try (NoGrad ng = NoGrad.open()) {
      NDArray x = tokens();
      assertClose(x.get(new NDIndex(":, 0")), new ClassToken().forward(x), 0);
      NDArray changedCls = x.duplicate();
      changedCls.set(new NDIndex(":, 0"), 100.0);
      assertClose(new MeanTokens().forward(x), new MeanTokens().forward(changedCls), 1e-12);
    }
  }

  @Test
  void gemWithExponentOneIsTheMean() {
    try (NoGrad ng = NoGrad.open()) {
      NDArray positive = tokens().abs().add(0.1);
      assertClose(new MeanTokens().forward(positive), ready(new GeM(1, 1e-6)).forward(positive), 1e-12);
      // on signed tokens the clamp makes it the mean of max(x, eps): the documented non-negative mapping
      NDArray signed = tokens();
      assertClose(new MeanTokens().forward(signed.maximum(1e-6)), ready(new GeM(1, 1e-6)).forward(signed), 1e-12);
    }
  }

  @Test
  void gemWithLargeExponentApproachesTheMaximum() {
    try (NoGrad ng = NoGrad.open()) {
      NDArray positive = tokens().abs().add(0.1);
      NDArray max = positive.get(new NDIndex(":, 1:")).max(new int[] {1});
      NDArray gem = ready(new GeM(200, 1e-6)).forward(positive);
      // (mean x^p)^(1/p) = max · (k/N)^(1/p) at worst: within 1% of the max for p = 200, N = 6
      double[] g = gem.toDoubleArray();
      double[] mx = max.toDoubleArray();
      for (int i = 0; i < g.length; i++) assertTrue(g[i] <= mx[i] + 1e-9 && g[i] > 0.99 * mx[i], g[i] + " vs max " + mx[i]);
    }
  }

  @Test
  void groupGemWithOneGroupIsGem() {
    try (NoGrad ng = NoGrad.open()) {
      NDArray x = tokens();
      GeM gem = ready(new GeM(2.5, 1e-6));
      GroupGeM ggem = ready(new GroupGeM(W, 1, 2.5, 1e-6));
      assertClose(gem.forward(x), ggem.forward(x), 1e-12);
    }
  }

  @Test
  void eachGroupUsesItsOwnExponentOnItsOwnChannels() {
    try (NoGrad ng = NoGrad.open()) {
      NDArray x = tokens();
      GroupGeM ggem = ready(new GroupGeM(W, HEADS, 3, 1e-6));
      double[] ps = {1.0, 2.0, 3.5, 6.0};
      ggem.exponents().set(m.create(ps));
      NDArray out = ggem.forward(x);
      int per = W / HEADS;
      for (int g = 0; g < HEADS; g++) {
        NDIndex channels = new NDIndex(":, :, {}:{}", g * per, (g + 1) * per);
        NDArray expected = ready(new GeM(ps[g], 1e-6)).forward(x.get(channels));
        assertClose(expected, out.get(new NDIndex(":, {}:{}", g * per, (g + 1) * per)), 1e-12);
      }
    }
  }

  @Test
  void checkpointNames() {
    assertEquals(Set.of(), new ClassToken().namedParameters().keySet());
    assertEquals(Set.of(), new MeanTokens().namedParameters().keySet());
    assertEquals(new Shape(1), new GeM(3, 1e-6).namedParameters().get("p").shape());
    assertEquals(new Shape(HEADS), new GroupGeM(W, HEADS, 3, 1e-6).namedParameters().get("p").shape());
    // open_clip's AttentionalPooler layout, with one query
    assertEquals(Set.of("query", "attn.in_proj_weight", "attn.in_proj_bias", "attn.out_proj.weight", "attn.out_proj.bias",
        "ln_q.weight", "ln_q.bias", "ln_k.weight", "ln_k.bias"), new Attentional(W, HEADS).namedParameters().keySet());
    assertEquals(new Shape(1, W), new Attentional(W, HEADS).namedParameters().get("query").shape());
    // timm's AttentionPoolLatent: separate q and packed kv, a residual MLP block, no norms on q or k
    assertEquals(Set.of("latent", "q.weight", "q.bias", "kv.weight", "kv.bias", "proj.weight", "proj.bias", "norm.weight",
        "norm.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias"),
        new LatentAttention(W, HEADS, 4.0).namedParameters().keySet());
    assertEquals(new Shape(2 * W, W), new LatentAttention(W, HEADS, 4.0).namedParameters().get("kv.weight").shape());
    assertEquals(new Shape(4 * W, W), new LatentAttention(W, HEADS, 4.0).namedParameters().get("mlp.fc1.weight").shape());
  }

  @Test
  void meanWithoutAClassTokenAveragesEveryToken() {
    try (NoGrad ng = NoGrad.open()) {
      NDArray x = tokens();
      assertClose(x.mean(new int[] {1}), new MeanTokens(0).forward(x), 1e-12);
      assertClose(x.get(new NDIndex(":, 2:")).mean(new int[] {1}), new MeanTokens(2).forward(x), 1e-12);
    }
  }

  @Test
  void latentAttentionSeesEveryTokenAndIsOrderFree() {
    try (NoGrad ng = NoGrad.open()) {
      NDArray x = tokens();
      LatentAttention map = ready(new LatentAttention(W, HEADS, 2.0));
      NDArray out = map.forward(x);
      // one query over a set: permuting the tokens changes nothing; changing token 0 (a class token, say) does
      NDArray reversed = x.flip(1);
      assertClose(out, map.forward(reversed), 1e-12);
      NDArray changed = x.duplicate();
      changed.set(new NDIndex(":, 0"), 3.0);
      assertTrue(out.sub(map.forward(changed)).abs().max().getDouble() > 1e-6);
    }
  }

  @Test
  void badSettingsAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Pooling.create("max", W, HEADS)).getMessage()
        .contains("unknown pooling 'max'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new GroupGeM(W, 3, 3, 1e-6)).getMessage()
        .contains("groups 3 must divide the width 8"));
    assertThrows(IllegalArgumentException.class, () -> new GeM(0, 1e-6));
  }

  @Test
  void finiteDifferenceGradients() {
    NDArray x = tokens();
    NDArray r = m.randomNormal(new Shape(B, W), DataType.FLOAT32).toType(DataType.FLOAT64, false);
    for (Pooling p : List.of(ready(new GeM(3, 1e-6)), ready(new GroupGeM(W, HEADS, 3, 1e-6)), ready(new Attentional(W, HEADS)),
        ready(new LatentAttention(W, HEADS, 2.0)))) {
      Module module = p.asModule();
      int checked = GradCheck.check(module, () -> p.forward(x).mul(r).sum(), 4);
      assertTrue(checked > 0, p.type() + ": nothing checked");
    }
  }

  @Test
  void exponentGradientFlowsThroughTheInputsToo() {
    // the pooled value must depend on the tokens: a gradient check with respect to the input
    NDArray x = tokens().abs().add(0.1);
    x.setRequiresGradient(true);
    GroupGeM ggem = ready(new GroupGeM(W, HEADS, 3, 1e-6));
    try (var gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
      gc.backward(ggem.forward(x).sum());
    }
    double[] g = x.getGradient().toDoubleArray();
    double[] cls = x.getGradient().get(new NDIndex(":, 0")).toDoubleArray();
    assertArrayEquals(new double[cls.length], cls, 0.0, "the class token is not pooled");
    assertTrue(java.util.Arrays.stream(g).anyMatch(v -> v > 0), "patch tokens get a gradient");
  }

  @Test
  void exponentGradientSurvivesAGarbageCollectionBeforeBackward() {
    // DJL frees a Number operand's Java buffer right after the op while autograd keeps the tensor for backward: after a
    // GC and fresh direct buffers such a gradient reads garbage. GeM's 1/p must be a tensor torch owns.
    NDArray x = tokens().abs().add(0.1);
    GeM gem = ready(new GeM(3, 1e-6));
    double[] expected = gradientOfP(gem, x, false);
    double[] afterGc = gradientOfP(gem, x, true);
    assertArrayEquals(expected, afterGc, 0.0);
    assertTrue(Double.isFinite(expected[0]) && expected[0] != 0, "dL/dp = " + expected[0]);
  }

  private double[] gradientOfP(GeM gem, NDArray x, boolean churn) {
    try (var gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
      NDArray y = gem.forward(x).sum();
      if (churn) {
        List<java.nio.ByteBuffer> junk = new java.util.ArrayList<>();
        for (int r = 0; r < 3; r++) System.gc();
        for (int i = 0; i < 20_000; i++) {
          java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(8).order(java.nio.ByteOrder.nativeOrder());
          b.putDouble(0, 1e-30);
          junk.add(b);
        }
      }
      gc.backward(y);
    }
    double[] g = gem.exponent().value().getGradient().toDoubleArray();
    gem.exponent().value().getGradient().subi(gem.exponent().value().getGradient());
    return g;
  }
}
