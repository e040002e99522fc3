package dev.vlt.models.fusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.nn.GradCheck;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import org.junit.jupiter.api.Test;

/** Text-side cross-attention fusion on a tiny config: shapes, gradients, and which inputs reach which outputs. */
class CrossAttentionFusionTest {
  private static final FusionConfig TINY = new FusionConfig(8, 2, 2, 16, 1e-12);

  @Test
  void shapesAndGradients() {
    try (NDManager m = NDManager.newBaseManager()) {
      CrossAttentionFusion fusion = new CrossAttentionFusion(TINY, 6);
      assertTrue(fusion.namedParameters().containsKey("layer.1.cross_attention.key.weight"));
      assertEquals(new Shape(8, 6), fusion.namedParameters().get("layer.0.cross_attention.value.weight").shape());
      fusion.initialize(m, 2);
      fusion.castTo(DataType.FLOAT64);
      NDArray text = m.randomNormal(new Shape(2, 4, 8), DataType.FLOAT32).toType(DataType.FLOAT64, false);
      NDArray image = m.randomNormal(new Shape(2, 5, 6), DataType.FLOAT32).toType(DataType.FLOAT64, false);
      NDArray mask = Ops.keyPaddingMask(m.create(new long[] {1, 1, 1, 1, 1, 1, 0, 0}, new Shape(2, 4)), DataType.FLOAT64);
      assertEquals(new Shape(2, 4, 8), fusion.forward(text, mask, image, null).getShape());
      NDArray r = m.randomNormal(new Shape(2, 4, 8), DataType.FLOAT32).toType(DataType.FLOAT64, false);
      assertTrue(GradCheck.check(fusion, () -> fusion.forward(text, mask, image, null).mul(r).sum(), 2) > 0);
    }
  }

  @Test
  void theImageReachesEveryTextTokenAndMaskedImageTokensNone() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      CrossAttentionFusion fusion = new CrossAttentionFusion(TINY, 8);
      fusion.initialize(m, 3);
      NDArray text = m.randomNormal(new Shape(1, 3, 8));
      NDArray image = m.randomNormal(new Shape(1, 4, 8));
      NDArray other = image.duplicate();
      other.set(new ai.djl.ndarray.index.NDIndex("0, 3"), 5f);
      NDArray a = fusion.forward(text, null, image, null);
      NDArray b = fusion.forward(text, null, other, null);
      assertTrue(a.sub(b).abs().max(new int[] {-1}).min().getFloat() > 1e-4, "every text token reads the image");
      NDArray hideLast = Ops.keyPaddingMask(m.create(new long[] {1, 1, 1, 0}, new Shape(1, 4)), DataType.FLOAT32);
      assertArrayEquals(fusion.forward(text, null, image, hideLast).toFloatArray(),
          fusion.forward(text, null, other, hideLast).toFloatArray(), 1e-6f);
    }
  }
}
