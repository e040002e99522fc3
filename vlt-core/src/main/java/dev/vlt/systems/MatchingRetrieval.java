package dev.vlt.systems;

import dev.vlt.data.image.Raster8;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.eval.Ranking;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.ImageTextMatching;
import java.util.ArrayList;
import java.util.List;

/**
 * Image-text retrieval through a matching head (METER's and VLC's quickstarts): every caption of a set of ShapesWorld
 * scenes scored against every image in one joint pass each, ranked both ways.
 */
final class MatchingRetrieval {
  private MatchingRetrieval() {}

  /** Retrieval hit rates at 1 and 5 both ways, and the chance of each (the mean share of candidates with the query's caption). */
  record Retrieved(double t2i1, double t2i5, double i2t1, double i2t5, double chance1, double chance5) {}

  /** Every first caption of {@code scenes} against every image through the ITM head. */
  static Retrieved of(ImageTextMatching model, ModelInputs inputs, List<ShapesSample> scenes) {
    int n = scenes.size();
    List<Raster8> images = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (ShapesSample text : scenes) {
      for (ShapesSample image : scenes) {
        images.add(MeterQuickstart.raster(image));
        texts.add(text.caption());
      }
    }
    float[] p = inputs.match(model, images, texts);                                  // row t: caption t against image i
    double[][] score = new double[n][n];
    for (int t = 0; t < n; t++) for (int i = 0; i < n; i++) score[t][i] = p[t * n + i];
    return hits(score, scenes.stream().map(ShapesSample::caption).toList());
  }

  /** score[t][i]: caption t against image i (image i's own caption is {@code captions[i]}). */
  static Retrieved hits(double[][] score, List<String> captions) {
    int n = captions.size();
    double t1 = 0, t5 = 0, i1 = 0, i5 = 0, c1 = 0, c5 = 0;
    for (int q = 0; q < n; q++) {
      double[] byImage = score[q];
      double[] byText = new double[n];
      for (int t = 0; t < n; t++) byText[t] = score[t][q];
      t1 += hit(Ranking.topK(byImage, 1), captions, captions.get(q));
      t5 += hit(Ranking.topK(byImage, 5), captions, captions.get(q));
      i1 += hit(Ranking.topK(byText, 1), captions, captions.get(q));
      i5 += hit(Ranking.topK(byText, 5), captions, captions.get(q));
      int same = 0;
      for (String c : captions) if (c.equals(captions.get(q))) same++;
      c1 += (double) same / n;
      c5 += 1 - missAll(n, same, Math.min(5, n));
    }
    return new Retrieved(t1 / n, t5 / n, i1 / n, i5 / n, c1 / n, c5 / n);
  }

  private static int hit(int[] top, List<String> captions, String wanted) {
    for (int i : top) if (captions.get(i).equals(wanted)) return 1;
    return 0;
  }

  /** The probability that k of n candidates drawn at random miss all {@code good} ones. */
  private static double missAll(int n, int good, int k) {
    double p = 1;
    for (int j = 0; j < k; j++) p *= (double) (n - good - j) / (n - j);
    return Math.max(0, p);
  }

}
