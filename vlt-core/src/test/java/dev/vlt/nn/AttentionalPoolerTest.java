package dev.vlt.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.NoGrad;
import java.util.List;
import org.junit.jupiter.api.Test;

/** open_clip's AttentionalPooler: names, shapes, gradients, and that pooling ignores token order. */
class AttentionalPoolerTest {
  @Test
  void namesShapesAndGradients() {
    try (NDManager m = NDManager.newBaseManager()) {
      AttentionalPooler pool = new AttentionalPooler(8, 6, 2, 3);
      assertEquals(List.of("query", "attn.q_proj_weight", "attn.k_proj_weight", "attn.v_proj_weight", "attn.in_proj_bias",
          "attn.out_proj.weight", "attn.out_proj.bias", "ln_q.weight", "ln_q.bias", "ln_k.weight", "ln_k.bias"),
          List.copyOf(pool.namedParameters().keySet()));
      pool.initialize(m, 4);
      pool.castTo(DataType.FLOAT64);
      NDArray x = m.randomNormal(new Shape(2, 5, 6), DataType.FLOAT32).toType(DataType.FLOAT64, false);
      assertEquals(new Shape(2, 3, 8), pool.forward(x).getShape());
      NDArray r = m.randomNormal(new Shape(2, 3, 8), DataType.FLOAT32).toType(DataType.FLOAT64, false);
      assertTrue(GradCheck.check(pool, () -> pool.forward(x).mul(r).sum(), 3) > 0);
    }
  }

  @Test
  void poolingIsIndependentOfTokenOrderAndOfOtherImages() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      AttentionalPooler pool = new AttentionalPooler(8, 8, 2, 4);  // equal widths: the fused in_proj_weight layout
      assertTrue(pool.namedParameters().containsKey("attn.in_proj_weight"));
      pool.initialize(m, 9);
      NDArray x = m.randomNormal(new Shape(3, 5, 8));
      NDArray reversed = x.flip(1);
      NDArray a = pool.forward(x);
      assertTrue(a.sub(pool.forward(reversed)).abs().max().getFloat() < 1e-5, "no positions: order must not matter");
      NDArray alone = pool.forward(x.get(new NDIndex("1:2")));
      assertTrue(a.get(new NDIndex("1:2")).sub(alone).abs().max().getFloat() < 1e-5, "images must not interact");
    }
  }
}
