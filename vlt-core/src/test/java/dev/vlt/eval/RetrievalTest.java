package dev.vlt.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetrievalTest {
  private static final double EPS = 1e-12;

  @Test
  void perfectRankingWithSeveralCaptionsPerImage() {
    Random r = new Random(1);
    int n = 30;
    float[][] images = Synthetic.gaussian(r, n, 32);
    int[] owner = new int[3 * n];
    for (int t = 0; t < owner.length; t++) owner[t] = t / 3;
    float[][] texts = Synthetic.around(r, images, owner, 0.01);   // each caption a slightly moved copy of its image
    RetrievalMetrics m = Retrieval.evaluate(images, texts, owner);
    assertEquals(Map.of("R@1", 1.0, "R@5", 1.0, "R@10", 1.0), m.textToImage());
    assertEquals(Map.of("R@1", 1.0, "R@5", 1.0, "R@10", 1.0), m.imageToText());
    assertEquals(1, m.textToImageMedianRank());
    assertEquals(n, m.images());
    assertEquals(3 * n, m.texts());
  }

  @Test
  void reversedRankingPutsEveryMatchLast() {
    Random r = new Random(2);
    int n = 12;
    float[][] images = Vectors.normalize(Synthetic.gaussian(r, n, 16));
    float[][] texts = new float[n][16];
    for (int i = 0; i < n; i++) for (int j = 0; j < 16; j++) texts[i][j] = -images[i][j];   // cos = −1, the minimum
    int[] owner = Synthetic.cycling(n, n);
    RetrievalMetrics m = Retrieval.evaluate(images, texts, owner, 1, n - 1, n);
    for (Map<String, Double> recall : List.of(m.textToImage(), m.imageToText())) {
      assertEquals(0.0, recall.get("R@1"));
      assertEquals(0.0, recall.get("R@" + (n - 1)));
      assertEquals(1.0, recall.get("R@" + n));
    }
    assertEquals(n, m.textToImageMedianRank());
    assertEquals(n, m.imageToTextMedianRank());
  }

  @Test
  void randomEmbeddingsScoreNearChance() {
    Random r = new Random(3);
    int n = 20, trials = 300;
    double r1 = 0, r5 = 0, i2t5 = 0;
    for (int trial = 0; trial < trials; trial++) {
      int[] owner = new int[2 * n];
      for (int t = 0; t < owner.length; t++) owner[t] = t % n;
      RetrievalMetrics m = Retrieval.evaluate(Synthetic.gaussian(r, n, 16), Synthetic.gaussian(r, 2 * n, 16), owner);
      r1 += m.textToImage().get("R@1") / trials;
      r5 += m.textToImage().get("R@5") / trials;
      i2t5 += m.imageToText().get("R@5") / trials;
    }
    assertEquals(1.0 / n, r1, 0.02);
    assertEquals(5.0 / n, r5, 0.04);
    // any of 2 captions among the first 5 of 40 texts: 1 − C(38,5)/C(40,5)
    assertEquals(1 - (35.0 * 34) / (40 * 39), i2t5, 0.04);
  }

  @Test
  void tiesAreBrokenByGalleryIndex() {
    int n = 10;
    float[][] collapsed = new float[n][];
    for (int i = 0; i < n; i++) collapsed[i] = new float[] {1, 2, 3};
    RetrievalMetrics m = Retrieval.evaluate(collapsed, collapsed, Synthetic.cycling(n, n), 1, 5);
    // everything tied: the first k indices win, so a collapsed model scores exactly chance, k/n
    assertEquals(0.1, m.textToImage().get("R@1"), EPS);
    assertEquals(0.5, m.textToImage().get("R@5"), EPS);
    assertEquals(0.1, m.imageToText().get("R@1"), EPS);

    // two identical images: the caption of the second finds the first one first
    float[][] images = {{1, 0}, {1, 0}, {0, 1}};
    float[][] texts = {{1, 0}, {1, 0}, {0, 1}};
    RetrievalMetrics dup = Retrieval.evaluate(images, texts, new int[] {0, 1, 2}, 1, 2);
    assertEquals(2.0 / 3, dup.textToImage().get("R@1"), EPS);
    assertEquals(1.0, dup.textToImage().get("R@2"), EPS);
  }

  @Test
  void imageIsFoundWhenAnyOfItsCaptionsRanksHigh() {
    float[][] images = {{1, 0}, {0, 1}};
    float[][] texts = {{0, 1}, {1, 0.1f}, {0.1f, 1}};   // t0 is a bad caption of image 0, t1 a good one; t2 of image 1
    int[] owner = {0, 0, 1};
    RetrievalMetrics m = Retrieval.evaluate(images, texts, owner, 1, 2);
    // image 0: best text t1 is its own → hit; image 1: best text t0 belongs to image 0, its own t2 is second
    assertEquals(0.5, m.imageToText().get("R@1"), EPS);
    assertEquals(1.0, m.imageToText().get("R@2"), EPS);
    // t0 finds image 1 first (miss), t1 and t2 find their own image
    assertEquals(2.0 / 3, m.textToImage().get("R@1"), EPS);
    assertEquals(1.5, m.imageToTextMedianRank(), EPS);
  }

  @Test
  void searchReturnsTheBestFirstWithScores() {
    float[][] gallery = {{1, 0}, {0, 1}, {1, 1}};
    List<Hit> hits = Retrieval.search(new float[][] {{1, 0.2f}}, gallery, 2).get(0);
    assertEquals(List.of(0, 2), hits.stream().map(Hit::index).toList());
    assertEquals(1 / Math.sqrt(1.04), hits.get(0).score(), 1e-6);
    assertTrue(hits.get(0).score() > hits.get(1).score());
  }

  @Test
  void badInputGetsOneClearLine() {
    float[][] images = {{1, 0}, {0, 1}};
    var noCaption = assertThrows(IllegalArgumentException.class,
        () -> Retrieval.evaluate(images, new float[][] {{1, 0}}, new int[] {0}));
    assertEquals("image 1 has no text in textOwner (every image needs a caption)", noCaption.getMessage());
    var owner = assertThrows(IllegalArgumentException.class,
        () -> Retrieval.evaluate(images, images, new int[] {0, 2}));
    assertEquals("textOwner[1] = 2 is outside [0, 2)", owner.getMessage());
    var nan = assertThrows(IllegalArgumentException.class,
        () -> Retrieval.evaluate(images, new float[][] {{1, Float.NaN}, {0, 1}}, new int[] {0, 1}));
    assertEquals("text embeddings[0][1] is NaN (embeddings must be finite)", nan.getMessage());
    var dim = assertThrows(IllegalArgumentException.class,
        () -> Retrieval.evaluate(images, new float[][] {{1, 0, 0}, {0, 1, 0}}, new int[] {0, 1}));
    assertEquals("image embeddings have dimension 2 but text embeddings have 3", dim.getMessage());
  }
}
