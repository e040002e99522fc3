package dev.vlt.eval.caption;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CIDEr-D (Vedantam et al. 2015) as coco-caption's CiderD computes it. Each sentence becomes, for n = 1..4, a vector of
 * tf·idf weights over its n-grams: g ↦ count(g) · (log N − log max(1, df(g))), where N is the number of images and df(g)
 * the number of images with g in at least one reference (document frequency from the references of the corpus scored).
 * The similarity of a candidate c to one reference s at order n is clipped: Σ_g min(c_g, s_g)·s_g / (‖c‖‖s‖) (0 when a norm
 * is 0), times the Gaussian length penalty exp(−(l_c − l_s)² / 2σ²) with σ = 6. A caption's CIDEr-D is 10 × the mean
 * over n and over its references; the corpus score is the mean over images. (coco-caption measures l by bigram count,
 * i.e. words − 1; the two agree except for one-word sentences, where vlt uses the word count of the definition.)
 */
public final class CiderD {
  public static final int MAX_ORDER = 4;
  public static final double SIGMA = 6.0;

  private CiderD() {}

  public static double compute(List<String> candidates, List<List<String>> references) {
    return compute(Tokenized.of(candidates, references));
  }

  public static double compute(Tokenized corpus) {
    double[] scores = perImage(corpus);
    double sum = 0;
    for (double s : scores) sum += s;
    return sum / scores.length;
  }

  /** Each image's CIDEr-D, in corpus order. */
  public static double[] perImage(Tokenized corpus) {
    int images = corpus.size();
    Map<List<String>, Integer> df = new HashMap<>();
    for (List<List<String>> refs : corpus.references()) {
      Set<List<String>> seen = new HashSet<>();
      for (List<String> ref : refs) for (int n = 1; n <= MAX_ORDER; n++) seen.addAll(NGrams.counts(ref, n).keySet());
      for (List<String> g : seen) df.merge(g, 1, Integer::sum);
    }
    double logImages = Math.log(images);
    double[] out = new double[images];
    for (int i = 0; i < images; i++) {
      List<String> cand = corpus.candidates().get(i);
      List<Map<List<String>, Double>> c = vectors(cand, df, logImages);
      double sum = 0;
      for (List<String> ref : corpus.references().get(i)) {
        List<Map<List<String>, Double>> s = vectors(ref, df, logImages);
        double delta = cand.size() - ref.size();
        double penalty = Math.exp(-delta * delta / (2 * SIGMA * SIGMA));
        for (int n = 0; n < MAX_ORDER; n++) sum += clippedCosine(c.get(n), s.get(n)) * penalty;
      }
      out[i] = 10.0 * sum / MAX_ORDER / corpus.references().get(i).size();
    }
    return out;
  }

  /** The tf·idf vector of each order 1..4. */
  private static List<Map<List<String>, Double>> vectors(List<String> words, Map<List<String>, Integer> df, double logImages) {
    List<Map<List<String>, Double>> out = new ArrayList<>(MAX_ORDER);
    for (int n = 1; n <= MAX_ORDER; n++) {
      Map<List<String>, Double> v = new HashMap<>();
      NGrams.counts(words, n).forEach((g, count) -> v.put(g, count * (logImages - Math.log(Math.max(1, df.getOrDefault(g, 0))))));
      out.add(v);
    }
    return out;
  }

  private static double clippedCosine(Map<List<String>, Double> cand, Map<List<String>, Double> ref) {
    double dot = 0;
    for (Map.Entry<List<String>, Double> e : cand.entrySet()) {
      double r = ref.getOrDefault(e.getKey(), 0.0);
      dot += Math.min(e.getValue(), r) * r;
    }
    double nc = norm(cand);
    double nr = norm(ref);
    return nc == 0 || nr == 0 ? 0 : dot / (nc * nr);  // a zero norm means every weight, hence the dot product, is 0
  }

  private static double norm(Map<List<String>, Double> v) {
    double s = 0;
    for (double x : v.values()) s += x * x;
    return Math.sqrt(s);
  }
}
