package dev.vlt.objectives;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import org.junit.jupiter.api.Test;

/** UniCL is CLIP without repeated keys, and stops treating a repeated caption as its own negative. */
class UniclLossTest {
  @Test
  void distinctKeysGiveClipsLoss() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      NDArray img = Ops.l2Normalize(m.randomNormal(new Shape(5, 8)));
      NDArray txt = Ops.l2Normalize(m.randomNormal(new Shape(5, 8)));
      NDArray scale = m.create(12f);
      assertEquals(ContrastiveLoss.compute(img, txt, scale).total().getFloat(),
          UniclLoss.compute(img, txt, scale, m.create(new long[] {4, 9, 1, 0, 7})).total().getFloat(), 1e-5);
    }
  }

  @Test
  void twoPairsWithOneCaptionArePositivesNotNegatives() {
    try (NDManager m = NDManager.newBaseManager(); NoGrad ng = NoGrad.open()) {
      // pairs 0 and 1: two images of "a small red circle", identical in embedding; pair 2 something else
      NDArray a = Ops.l2Normalize(m.create(new float[] {1, 0, 0, 0}).reshape(1, 4));
      NDArray b = Ops.l2Normalize(m.create(new float[] {0, 1, 0, 0}).reshape(1, 4));
      NDArray img = NDArrays.concat(new NDList(a, a, b));
      NDArray txt = img.duplicate();
      NDArray scale = m.create(100f);
      float clip = ContrastiveLoss.compute(img, txt, scale).total().getFloat();
      float unicl = UniclLoss.compute(img, txt, scale, m.create(new long[] {5, 5, 6})).total().getFloat();
      // a soft cross-entropy is bounded below by its targets' entropy: CLIP's targets are one-hot (bound 0), UniCL's put
      // half on each of the two pairs (bound log 2 on their four rows). At this embedding UniCL is at its bound, nothing
      // left to learn; CLIP, unable to tell the identical captions apart, stays log 2 above its bound on those rows.
      double bound = 4 * Math.log(2) / 6;
      assertEquals(bound, unicl, 1e-4, "UniCL at its minimum");
      assertEquals(bound, clip - 0.0, 1e-4, "CLIP log 2 above its minimum on each of the four rows");
    }
  }
}
