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

  @Test
  void relativeScoresSubtractEachLabelsMeanOverTheImage() {
    float[][] patches = {{1, 0}, {0, 1}, {0.6f, 0.8f}, {0, 1}};
    float[][] labels = {{1, 0}, {0, 1}};
    float[][] s = Segmenter.relativeScores(patches, labels);
    // label 0's cosines 1, 0, 0.6, 0 (mean 0.4); label 1's 0, 1, 0.8, 1 (mean 0.7)
    assertEquals(0.6f, s[0][0], 1e-6);
    assertEquals(-0.4f, s[0][1], 1e-6);
    assertEquals(0.2f, s[0][2], 1e-6);
    assertEquals(-0.7f, s[1][0], 1e-6);
    assertEquals(0.3f, s[1][3], 1e-6);
  }

  @Test
  void theLabelIsTheBestCosineAndBackgroundIsWhereNoLabelStandsOutFromItsImageMean() {
    float[][] patches = {{1, 0}, {1, 0}, {0.6f, 0.8f}, {1, 0}};
    float[][] labels = {{0.6f, 0.8f}, {0, 1}};
    // cosines: label 0 is 0.6 on the backdrop and 1.0 on patch 2 (0.3 above its mean 0.7), label 1 is 0 and 0.8 (0.6
    // above its mean 0.2): patch 2 is an object, and label 0, the better cosine, names it
    LabelMap m = Segmenter.labelMap(Segmenter.scores(patches, labels), Segmenter.relativeScores(patches, labels), 2, 2, 2, 0.1);
    assertEquals(0, m.at(0, 0), "backdrop: 0.6 is label 0's best cosine, but only 0.1 below its image mean");
    assertEquals(1, m.at(0, 1), "patch 2 (row 1, column 0)");
    LabelMap strict = Segmenter.labelMap(Segmenter.scores(patches, labels), Segmenter.relativeScores(patches, labels), 2, 2, 2, 0.7);
    assertEquals(0, strict.at(0, 1), "no label stands out by 0.7");
  }
}
