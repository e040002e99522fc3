package dev.vlt.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.Fixtures;
import dev.vlt.Parity;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MAE's random masking (against the fixture's ids and on vlt's own seeded noise) and VideoMAE's tube masking. */
class MaskingTest {
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
  void randomMaskingGivesMaesIdsForMaesNoise() {
    Map<String, NDArray> in = Parity.load(m, Fixtures.fixture("mae_tiny", "inputs.safetensors"));
    Map<String, NDArray> out = Parity.load(m, Fixtures.fixture("mae_tiny", "outputs_norm_pix_loss_false.safetensors"));
    NDArray x = m.randomNormal(new Shape(4, 16, 3));
    RandomMasking.Masked masked = new RandomMasking(0.75).apply(x, in.get("noise"));
    assertArrayEquals(out.get("ids_shuffle").toLongArray(), masked.idsShuffle().toLongArray());
    assertArrayEquals(out.get("ids_restore").toLongArray(), masked.idsRestore().toLongArray());
    assertArrayEquals(out.get("ids_keep").toLongArray(), masked.idsKeep().toLongArray());
    assertArrayEquals(out.get("mask").toFloatArray(), masked.mask().toFloatArray());
  }

  @Test
  void keptCountTruncatesAsMaesPython() {
    assertEquals(4, new RandomMasking(0.75).keep(16));
    assertEquals(49, new RandomMasking(0.75).keep(196));
    assertEquals(6, new RandomMasking(0.6).keep(16));        // 16·0.4 = 6.4 → 6
    assertEquals(16, new RandomMasking(0.0).keep(16));
    assertThrows(IllegalArgumentException.class, () -> new RandomMasking(1.0));
  }

  @Test
  void seededNoiseMasksConsistently() {
    RandomMasking masking = new RandomMasking(0.6);
    NDArray x = m.arange(0f, 2 * 16 * 3).reshape(2, 16, 3);
    NDArray noise = RandomMasking.noise(m, 2, 16, 42);
    assertArrayEquals(noise.toFloatArray(), RandomMasking.noise(m, 2, 16, 42).toFloatArray(), "same seed, same noise");
    assertFalse(Arrays.equals(noise.toFloatArray(), RandomMasking.noise(m, 2, 16, 43).toFloatArray()));
    RandomMasking.Masked masked = masking.apply(x, noise);
    float[] mask = masked.mask().toFloatArray();
    long[] keep = masked.idsKeep().toLongArray();
    long[] restore = masked.idsRestore().toLongArray();
    long[] shuffle = masked.idsShuffle().toLongArray();
    float[] noiseValues = noise.toFloatArray();
    for (int b = 0; b < 2; b++) {
      int removed = 0;
      for (int l = 0; l < 16; l++) {
        removed += (int) mask[b * 16 + l];
        assertEquals(l, shuffle[b * 16 + (int) restore[b * 16 + l]], "idsRestore inverts idsShuffle");
      }
      assertEquals(16 - 6, removed);
      for (int j = 0; j < 6; j++) {
        int kept = (int) keep[b * 6 + j];
        assertEquals(0f, mask[b * 16 + kept], "a kept token is not masked");
        if (j > 0) assertTrue(noiseValues[b * 16 + kept] > noiseValues[b * 16 + (int) keep[b * 6 + j - 1]], "ascending noise");
      }
    }
    // the kept tokens are the input rows named by idsKeep, in that order
    assertArrayEquals(Ops.gatherRows(x, masked.idsKeep()).toFloatArray(), masked.kept().toFloatArray());
    assertArrayEquals(x.get("1, {}", keep[6 + 2]).toFloatArray(), masked.kept().get("1, 2").toFloatArray());
  }

  @Test
  void tubeMaskingHidesTheSamePlacesInEverySlot() {
    TubeMasking tube = new TubeMasking(8, 16, 0.75);
    assertEquals(12, tube.maskedPerSlot());
    assertEquals(14, new TubeMasking(8, 16, 0.9).maskedPerSlot());   // int(0.9·16) = int(14.4)
    NDArray mask = tube.sample(m, 3, new SplittableRandom(9));
    assertEquals(new Shape(3, 128), mask.getShape());
    long[] v = mask.toLongArray();
    for (int b = 0; b < 3; b++) {
      long[] first = Arrays.copyOfRange(v, b * 128, b * 128 + 16);
      assertEquals(12, Arrays.stream(first).sum());
      for (int s = 1; s < 8; s++) assertArrayEquals(first, Arrays.copyOfRange(v, b * 128 + s * 16, b * 128 + s * 16 + 16));
    }
    assertFalse(Arrays.equals(Arrays.copyOfRange(v, 0, 16), Arrays.copyOfRange(v, 128, 144)), "samples differ");
    TubeMasking.Indices idx = TubeMasking.indices(mask);
    assertEquals(new Shape(3, 32), idx.visible().getShape());
    assertEquals(new Shape(3, 96), idx.masked().getShape());
    long[] vis = idx.visible().toLongArray();
    for (int i = 1; i < 32; i++) assertTrue(vis[i] > vis[i - 1], "visible indices ascend");
    for (int i = 0; i < 32; i++) assertEquals(0, v[(int) vis[i]]);
  }

  @Test
  void theFixturesMaskIsATubeMask() {
    NDArray mask = Parity.load(m, Fixtures.fixture("videomae_tiny", "inputs.safetensors")).get("bool_masked_pos");
    long[] v = mask.toLongArray();
    for (int b = 0; b < 2; b++) {
      for (int s = 1; s < 8; s++) {
        assertArrayEquals(Arrays.copyOfRange(v, b * 128, b * 128 + 16), Arrays.copyOfRange(v, b * 128 + s * 16, b * 128 + s * 16 + 16));
      }
    }
  }

  @Test
  void unequalMaskCountsAreRefused() {
    NDArray mask = m.create(new long[] {1, 0, 0, 1, 1, 0}, new Shape(2, 3));
    String msg = assertThrows(IllegalArgumentException.class, () -> TubeMasking.indices(mask)).getMessage();
    assertTrue(msg.contains("sample 0 masks 1, sample 1 masks 2"), msg);
  }
}
