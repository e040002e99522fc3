package dev.vlt.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Retrieval recall over {@code images} images and {@code texts} texts: {@code textToImage} and {@code imageToText} map
 * "R@k" to a fraction; median ranks are 1-based (1 = the correct item came first).
 */
public record RetrievalMetrics(int images, int texts, Map<String, Double> textToImage, Map<String, Double> imageToText,
    double textToImageMedianRank, double imageToTextMedianRank) implements Result {

  @Override
  public Map<String, Double> headline() {
    Map<String, Double> m = new LinkedHashMap<>();
    textToImage.forEach((k, v) -> m.put("t2i " + k, v));
    imageToText.forEach((k, v) -> m.put("i2t " + k, v));
    return m;
  }
}
