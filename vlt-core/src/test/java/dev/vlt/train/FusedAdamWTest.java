package dev.vlt.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.Engines;
import dev.vlt.tensor.Parameter;
import dev.vlt.nn.Linear;
import dev.vlt.tensor.Init;
import dev.vlt.tensor.Module;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AdamW's one-pass update against its tensor-op path over steps, groups, decay and both thread counts: moments bit for bit. */
class FusedAdamWTest {
  /** A tensor of several chunks (so the pool splits it), a small one, vectors without decay and a scalar. */
  static final class Parts extends Module {
    final Linear big = child("big", new Linear(1000, 700));
    final Linear small = child("small", new Linear(5, 7));
    final Parameter scale = param("scale", new Init.Normal(1.0));
  }

  private static Map<String, Parameter> params(NDManager m, long seed) {
    Parts parts = new Parts();
    parts.initialize(m, seed);
    return parts.namedParameters();
  }

  private static Map<String, NDArray> grads(NDManager m, Map<String, Parameter> p, int step) {
    Map<String, NDArray> g = new LinkedHashMap<>();
    m.getEngine().setRandomSeed(1000 + step);
    // gradients of very different sizes, zeros included, so sqrt, the division and eps all matter
    p.forEach((n, q) -> g.put(n, m.randomNormal(q.shape()).mul(n.endsWith("bias") ? 1e-4f : 3f).mul(m.randomUniform(0, 1, q.shape()).gt(0.1f).toType(DataType.FLOAT32, false))));
    return g;
  }

  private static void runBoth(int threads) {
    int before = Engines.threads();
    Engines.setThreads(threads);
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, Parameter> a = params(m, 7), b = params(m, 7);
      Map<String, Double> wd = ParamGroups.weightDecay(a, 0.2);
      Map<String, Double> scale = Map.of("small.weight", 5.0, "small.bias", 5.0);
      AdamW.Hyper h = new AdamW.Hyper(0.9, 0.98, 1e-6);
      AdamW fused = new AdamW(a, wd, scale, h, m);
      AdamW ops = new AdamW(b, wd, scale, h, m).withoutFusion();
      for (int step = 0; step < 4; step++) {
        Map<String, NDArray> g = grads(m, a, step);
        double lr = 5e-4 * (step + 1);
        fused.step(lr, g::get);
        ops.step(lr, g::get);
      }
      for (String n : a.keySet()) {
        assertArrayEquals(ops.firstMoments().get(n).toFloatArray(), fused.firstMoments().get(n).toFloatArray(), 0f, n + " exp_avg");
        assertArrayEquals(ops.secondMoments().get(n).toFloatArray(), fused.secondMoments().get(n).toFloatArray(), 0f, n + " exp_avg_sq");
        // libtorch's sqrt is oneMKL's vector sqrt, not always correctly rounded: a step (1e-3 here) may differ in its last bit,
        // ~1e-10, which shows in the weight's last bits; over four steps such differences stay far below 1e-8
        float[] want = b.get(n).value().toFloatArray(), got = a.get(n).value().toFloatArray();
        double worst = 0;
        for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i] - got[i]) / (4 * Math.ulp(want[i]) + 1e-8));
        assertTrue(worst <= 1, n + " weights differ by more than 4 units in the last place and 1e-8 (" + worst + ")");
      }
    } finally {
      Engines.setThreads(before);
    }
  }

  @Test
  void theOnePassUpdateMatchesTheTensorOpsOnOneThread() {
    runBoth(1);
  }

  @Test
  void theOnePassUpdateMatchesTheTensorOpsOnTwoThreads() {
    runBoth(2);
  }

  /** A transposed view is not contiguous: DJL would hand out a copy, so it must take the tensor-op path. */
  @Test
  void aNonContiguousTensorIsNotUpdatedThroughACopy() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray base = m.randomNormal(new Shape(30, 40));
      NDArray z = m.zeros(new Shape(40, 30));
      assertNotNull(FusedAdamW.slice(z, z.duplicate(), z.duplicate(), z.duplicate(), 1f, 1f));
      assertNull(FusedAdamW.slice(base.transpose(), z, z.duplicate(), z.duplicate(), 1f, 1f));
      assertNull(FusedAdamW.slice(z, base.transpose(), z.duplicate(), z.duplicate(), 1f, 1f));
      assertNull(FusedAdamW.slice(z.toType(DataType.FLOAT64, true), z, z.duplicate(), z.duplicate(), 1f, 1f));
    }
  }
}
