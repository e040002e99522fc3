package dev.vlt.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The label map from patch scores: bilinear upsampling to any image size, the best label, the background threshold. */
class SegmenterTest {
  @Test
  void halvesOfATwoByTwoGridLabelTheHalvesOfANonSquareImage() {
    // label 0 wins the left column of patches, label 1 the right one
    float[][] scores = {{0.9f, 0.1f, 0.9f, 0.1f}, {0.1f, 0.9f, 0.1f, 0.9f}};
    LabelMap m = Segmenter.labelMap(scores, 2, 10, 3, Segmenter.NO_BACKGROUND);
    assertEquals(10, m.width());
    assertEquals(3, m.height());
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 10; x++) assertEquals(x < 5 ? 1 : 2, m.at(x, y), "pixel " + x + "," + y);
    }
    double[] f = m.fractions();
    assertEquals(0.0, f[0]);
    assertEquals(0.5, f[1], 1e-12);
  }

  @Test
  void upsamplingIsTorchBilinearWithoutAlignedCorners() {
    // one label whose score rises left to right; a threshold halfway cuts the image where the interpolated score crosses it.
    // torch: F.interpolate([[0, 1]] as 1x2, size=8, mode='bilinear', align_corners=False) = 0, 0, .125, .375, .625, .875, 1, 1
    float[][] scores = {{0f, 1f, 0f, 1f}};
    LabelMap m = Segmenter.labelMap(scores, 2, 8, 1, 0.5);
    int[] expected = {0, 0, 0, 0, 1, 1, 1, 1};
    for (int x = 0; x < 8; x++) assertEquals(expected[x], m.at(x, 0), "x=" + x);
    LabelMap low = Segmenter.labelMap(scores, 2, 8, 1, 0.126);
    assertEquals(0, low.at(2, 0), "0.125 is below 0.126");
    assertEquals(1, low.at(3, 0));
  }

  @Test
  void scoresAreDotProductsOfNormalisedRows() {
    float[][] patches = {{1, 0}, {0, 1}, {0.6f, 0.8f}};
    float[][] labels = {{1, 0}, {0, 1}};
    float[][] s = Segmenter.scores(patches, labels);
    assertEquals(0.6f, s[0][2], 1e-7);
    assertEquals(0.8f, s[1][2], 1e-7);
    assertEquals(0f, s[1][0], 1e-7);
  }
}
