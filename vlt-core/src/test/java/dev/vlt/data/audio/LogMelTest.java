package dev.vlt.data.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogMelTest {
  @Test
  void theFftIsTheDft() {
    SplittableRandom r = new SplittableRandom(3);
    int n = 64;
    double[] re = new double[n], im = new double[n], x = new double[n];
    for (int i = 0; i < n; i++) re[i] = x[i] = r.nextDouble() - 0.5;
    LogMel.fft(re, im);
    for (int k = 0; k < n; k++) {
      double dr = 0, di = 0;
      for (int i = 0; i < n; i++) {
        dr += x[i] * Math.cos(-2 * Math.PI * k * i / n);
        di += x[i] * Math.sin(-2 * Math.PI * k * i / n);
      }
      assertEquals(dr, re[k], 1e-9);
      assertEquals(di, im[k], 1e-9);
    }
  }

  @Test
  void aToneLightsTheBandAroundItsFrequency() {
    LogMel mel = LogMel.standard(16_000);
    assertEquals(new LogMel(16_000, 512, 400, 160, 64), mel);
    for (double hz : new double[] {440, 1000, 3000}) {
      float[] pcm = new float[16_000];
      for (int i = 0; i < pcm.length; i++) pcm[i] = (float) (0.5 * Math.sin(2 * Math.PI * hz * i / 16_000));
      float[][] s = mel.compute(pcm);
      assertEquals(101, s.length, "1 + samples / hop frames");
      float[] mid = s[50];
      int best = 0;
      for (int m = 1; m < mid.length; m++) if (mid[m] > mid[best]) best = m;
      double lo = best == 0 ? 0 : mel.centreHz(best - 1), hi = mel.centreHz(best + 1);
      assertTrue(hz > lo && hz < hi, hz + " Hz peaks in band " + best + " (" + mel.centreHz(best) + " Hz)");
      assertTrue(mid[best] - mid[(best + 20) % 64] > 5, "the peak stands well above a far band");
    }
    float[][] silence = mel.compute(new float[1600]);
    assertEquals((float) Math.log(1e-10), silence[3][10], 1e-6f, "silence sits at the floor");
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new LogMel(16_000, 500, 400, 160, 64));
    assertThrows(IllegalArgumentException.class, () -> new LogMel(16_000, 512, 600, 160, 64));
    assertThrows(IllegalArgumentException.class, () -> new LogMel(16_000, 512, 400, 0, 64));
  }
}
