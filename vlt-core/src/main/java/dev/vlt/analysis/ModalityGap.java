package dev.vlt.analysis;

/**
 * How far apart the two modalities sit in the joint space, for N matched pairs of L2-normalised embeddings: the distance
 * between the modality centroids (the "modality gap" of Liang et al., "Mind the Gap", NeurIPS 2022), the mean cosine of
 * matched pairs and of unmatched pairs. MS-CLIP reports that sharing parameters brings matched concepts closer.
 *
 * @param centroidDistance ‖mean(image) − mean(text)‖₂, 0 … 2
 * @param matchedCosine mean over i of cos(image_i, text_i)
 * @param unmatchedCosine mean over i ≠ j of cos(image_i, text_j)
 */
public record ModalityGap(int pairs, double centroidDistance, double matchedCosine, double unmatchedCosine) {
  /** images [N][E], texts [N][E], row i of each a matched pair; rows are normalised here. */
  public static ModalityGap of(float[][] images, float[][] texts) {
    int n = images.length;
    if (n < 2 || texts.length != n) throw new IllegalArgumentException("the modality gap needs N ≥ 2 matched pairs, got " + n + " images and " + texts.length + " texts");
    int e = images[0].length;
    double[] sumImg = new double[e];
    double[] sumTxt = new double[e];
    double matched = 0;
    for (int i = 0; i < n; i++) {
      double[] a = unit(images[i]);
      double[] b = unit(texts[i]);
      if (b.length != e) throw new IllegalArgumentException("image and text embeddings differ in width: " + e + " vs " + b.length);
      for (int k = 0; k < e; k++) {
        sumImg[k] += a[k];
        sumTxt[k] += b[k];
        matched += a[k] * b[k];
      }
    }
    double all = 0;      // Σ_i Σ_j img_i · txt_j = (Σ img) · (Σ txt)
    double dist = 0;
    for (int k = 0; k < e; k++) {
      all += sumImg[k] * sumTxt[k];
      double d = (sumImg[k] - sumTxt[k]) / n;
      dist += d * d;
    }
    return new ModalityGap(n, Math.sqrt(dist), matched / n, (all - matched) / ((double) n * n - n));
  }

  private static double[] unit(float[] v) {
    double norm = 0;
    for (float x : v) norm += (double) x * x;
    norm = Math.max(Math.sqrt(norm), 1e-12);
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) out[i] = v[i] / norm;
    return out;
  }
}
