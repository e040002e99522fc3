package dev.vlt.objectives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.nn.TubeMasking;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The masked pixel loss and its targets: what the loss ignores, its two forms agreeing, the fixtures' edge patches. */
class MaskedPixelLossTest {
  static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  static final float[] STD = {0.229f, 0.224f, 0.225f};
  private NDManager m;
  private NoGrad ng;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
    ng = NoGrad.open();
  }

  @AfterEach
  void close() {
    ng.close();
    m.close();
  }

  @Test
  void onlyRemovedPatchesCount() {
    NDArray pred = m.randomNormal(new Shape(2, 4, 6));
    NDArray target = m.randomNormal(new Shape(2, 4, 6));
    NDArray mask = m.create(new float[] {1, 0, 1, 0, 0, 1, 1, 0}, new Shape(2, 4));
    float loss = MaskedPixelLoss.compute(pred, target, mask).total().getFloat();
    NDArray changed = pred.duplicate();
    changed.set(new NDIndex("0, 1"), 100f);                          // a kept patch
    assertEquals(loss, MaskedPixelLoss.compute(changed, target, mask).total().getFloat(), 0f);
    changed.set(new NDIndex("0, 0"), 100f);                          // a removed one
    assertTrue(MaskedPixelLoss.compute(changed, target, mask).total().getFloat() > loss + 1);
    // by hand: the mean over removed patches of each patch's mean squared error
    float[] per = MaskedPixelLoss.perPatch(pred, target).toFloatArray();
    assertEquals((per[0] + per[2] + per[5] + per[6]) / 4, loss, 1e-6f);
  }

  @Test
  void maesMaskedFormEqualsVideoMaesGatheredForm() {
    // with the same number of masked tokens per sample, MAE's Σ(l·mask)/Σmask over all tokens equals VideoMAE's mean over
    // the gathered masked tokens
    NDArray pred = m.randomNormal(new Shape(3, 32, 10));
    NDArray target = m.randomNormal(new Shape(3, 32, 10));
    NDArray mask = new TubeMasking(2, 16, 0.75).sample(m, 3, new SplittableRandom(1));
    NDArray masked = TubeMasking.indices(mask).masked();
    float full = MaskedPixelLoss.compute(pred, target, mask.toType(pred.getDataType(), false)).total().getFloat();
    float gathered = MaskedPixelLoss.compute(Ops.gatherRows(pred, masked), Ops.gatherRows(target, masked)).total().getFloat();
    assertEquals(full, gathered, 1e-6f * full);
  }

  @Test
  void maesConstantPatchNormalisesToZero() {
    // image 2, patch 14 of mae_tiny is exactly 0.5: var = 0, and only the eps inside the square root keeps it finite
    NDArray imgs = Parity.load(m, Fixtures.fixture("mae_tiny", "inputs.safetensors")).get("imgs");
    NDArray target = PixelTargets.image(imgs, 8, true);
    assertArrayEquals(new float[192], target.get("2, 14").toFloatArray(), 0f);
    Map<String, NDArray> ref = Parity.load(m, Fixtures.fixture("mae_tiny", "outputs_norm_pix_loss_true.safetensors"));
    // the low-contrast patch (image 3, patch 0) is where sqrt(var)+eps or a biased var would show (1.7e-3, 8e-3)
    Parity.assertClose("low-contrast patch", ref.get("target").get("3, 0"), target.get("3, 0"), 1e-5);
  }

  @Test
  void videoMaesConstantTubeletNormalisesToZero() {
    // sample 1, token 127 of videomae_tiny un-normalises to exactly 0.5 / 0.25 / 0.75 per channel
    NDArray videos = Parity.load(m, Fixtures.fixture("videomae_tiny", "inputs.safetensors")).get("videos");
    NDArray raw = PixelTargets.video(videos, 2, 8, MEAN, STD, false);
    float[] pixels = raw.get("1, 127").toFloatArray();
    for (int i = 0; i < pixels.length; i++) assertEquals(new float[] {0.5f, 0.25f, 0.75f}[i % 3], pixels[i], 0f);
    assertArrayEquals(new float[384], PixelTargets.video(videos, 2, 8, MEAN, STD, true).get("1, 127").toFloatArray(), 0f);
  }
}
