package dev.vlt.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vlt.Parity;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import org.junit.jupiter.api.Test;

/** Attention's inspection view: its weights are the softmax forward uses, and mixing them back gives forward's output. */
class QkvAttentionWeightsTest {
  @Test
  void weightsAndMixReproduceForwardInBothLayouts() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      NDArray q = m.randomNormal(new Shape(2, 5, 8));
      NDArray kv = m.randomNormal(new Shape(2, 7, 8));
      NDArray keep = m.create(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, new Shape(2, 7));
      NDArray mask = Ops.keyPaddingMask(keep, DataType.FLOAT32);
      for (QkvAttention attn : new QkvAttention[] {QkvAttention.torchmultimodal(8, 2), QkvAttention.timm(8, 2, QkvAttention.Bias.QV)}) {
        attn.initialize(m, 3);
        GradCheck.perturbZeros(m, attn);
        NDArray w = attn.weights(q, kv, mask);
        assertEquals(new Shape(2, 2, 5, 7), w.getShape());
        assertTrue(w.sum(new int[] {-1}).sub(1).abs().max().getFloat() < 1e-6, "rows sum to 1");
        assertEquals(0f, w.get("1, :, :, 4:").abs().max().getFloat(), "padded keys get nothing");
        NDArray bias = attn.namedParameters().get(attn.namedParameters().containsKey("output.bias") ? "output.bias" : "proj.bias").value();
        NDArray mixed = attn.mix(w, kv).add(bias);
        assertTrue(Parity.maxAbsDiff(attn.forward(q, kv, mask), mixed) < 1e-5, "forward = mix(weights) + bias");
        NDArray firstKeys = m.create(new float[] {1, 1, 1, 0, 0, 0, 0}, new Shape(1, 1, 1, 7));
        NDArray split = attn.mix(w.mul(firstKeys), kv).add(attn.mix(w.mul(firstKeys.neg().add(1)), kv));
        assertTrue(Parity.maxAbsDiff(attn.mix(w, kv), split) < 1e-5, "the update splits by keys");
      }
    }
  }
}
