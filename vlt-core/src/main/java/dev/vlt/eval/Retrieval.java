package dev.vlt.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Image↔text retrieval recall with several captions per image, ranked by cosine similarity.
 *
 * <p>Text→image: a text's only correct image is its owner. Image→text: an image counts as found at k when ANY of its
 * captions is among the first k texts, i.e. its rank is the best rank of its captions. Ties follow {@link Ranking}: equal
 * scores are ordered by gallery index, so results are deterministic and a collapsed model scores at chance.
 */
public final class Retrieval {
  /** The recall cut-offs reported unless others are asked for. */
  public static final int[] DEFAULT_KS = {1, 5, 10};

  private Retrieval() {}

  /** R@1/5/10 both ways; see {@link #evaluate(float[][], float[][], int[], int...)}. */
  public static RetrievalMetrics evaluate(float[][] images, float[][] texts, int[] textOwner) {
    return evaluate(images, texts, textOwner, DEFAULT_KS);
  }

  /**
   * Recall at each of {@code ks} for {@code images} [N, D] and {@code texts} [M, D], where {@code textOwner} [M] gives the
   * image index each text describes. Every image needs at least one text. A k at or above the gallery size gives 1.
   */
  public static RetrievalMetrics evaluate(float[][] images, float[][] texts, int[] textOwner, int... ks) {
    int d = Checks.matrix("image embeddings", images);
    int dt = Checks.matrix("text embeddings", texts);
    Checks.check(d == dt, "image embeddings have dimension %s but text embeddings have %s", d, dt);
    Checks.labels("textOwner", textOwner, texts.length, images.length);
    Checks.check(ks.length > 0, "no recall cut-offs given");
    for (int k : ks) Checks.check(k > 0, "recall cut-off must be positive, got %s", k);
    List<List<Integer>> captions = captionsOf(textOwner, images.length);

    double[][] imageToTextScores = Vectors.cosine(images, texts);            // [N, M]
    double[][] textToImageScores = Vectors.transpose(imageToTextScores);     // [M, N]
    int[] textRanks = new int[texts.length];
    for (int t = 0; t < texts.length; t++) textRanks[t] = Ranking.rank(textToImageScores[t], textOwner[t]);
    int[] imageRanks = new int[images.length];
    for (int i = 0; i < images.length; i++) {
      int best = Integer.MAX_VALUE;
      for (int t : captions.get(i)) best = Math.min(best, Ranking.rank(imageToTextScores[i], t));
      imageRanks[i] = best;
    }
    return new RetrievalMetrics(images.length, texts.length, recalls(textRanks, ks), recalls(imageRanks, ks),
        median(textRanks), median(imageRanks));
  }

  /**
   * For each of {@code queries} [Q, D], the first {@code min(k, G)} items of {@code gallery} [G, D] by cosine similarity,
   * best first (for showing retrieval examples).
   */
  public static List<List<Hit>> search(float[][] queries, float[][] gallery, int k) {
    int d = Checks.matrix("queries", queries);
    int dg = Checks.matrix("gallery", gallery);
    Checks.check(d == dg, "queries have dimension %s but the gallery has %s", d, dg);
    double[][] s = Vectors.cosine(queries, gallery);
    List<List<Hit>> out = new ArrayList<>(queries.length);
    for (double[] row : s) {
      List<Hit> hits = new ArrayList<>();
      for (int g : Ranking.topK(row, k)) hits.add(new Hit(g, row[g]));
      out.add(hits);
    }
    return out;
  }

  private static List<List<Integer>> captionsOf(int[] textOwner, int images) {
    List<List<Integer>> captions = new ArrayList<>(images);
    for (int i = 0; i < images; i++) captions.add(new ArrayList<>());
    for (int t = 0; t < textOwner.length; t++) captions.get(textOwner[t]).add(t);
    for (int i = 0; i < images; i++) {
      Checks.check(!captions.get(i).isEmpty(), "image %s has no text in textOwner (every image needs a caption)", i);
    }
    return captions;
  }

  /** "R@k" → fraction of ranks ≤ k, in the order of {@code ks}. */
  private static Map<String, Double> recalls(int[] ranks, int[] ks) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int k : ks) {
      int hits = 0;
      for (int r : ranks) if (r <= k) hits++;
      out.put("R@" + k, (double) hits / ranks.length);
    }
    return out;
  }

  private static double median(int[] ranks) {
    int[] sorted = ranks.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
  }
}
