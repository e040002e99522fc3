package dev.vlt.analysis;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * How close a model's two modalities are: where their matched embeddings sit ({@link ModalityGap}) and how alike their
 * attention heads behave on the same pairs ({@link HeadStats}), for MS-CLIP's claim that sharing parameters brings the
 * modalities and their attention patterns closer.
 */
public record ModalityAnalysis(String model, ModalityGap gap, List<HeadStats> heads) {
  public ModalityAnalysis {
    heads = List.copyOf(heads);
  }

  /** Mean CKA over every head of every block both modalities run. */
  public double meanCka() {
    return mean(HeadStats::cka);
  }

  /** Mean |image − text| normalised attention entropy over the same heads. */
  public double meanEntropyGap() {
    return mean(HeadStats::entropyGap);
  }

  /** Per block (in order), the mean of {@code f} over its heads, as a plot series {block indices, values} ([2][blocks]). */
  public double[][] perLayer(ToDoubleFunction<HeadStats> f) {
    List<Integer> layers = heads.stream().map(HeadStats::layer).distinct().sorted().toList();
    double[][] out = new double[2][layers.size()];
    for (int i = 0; i < layers.size(); i++) {
      int l = layers.get(i);
      out[0][i] = l;
      out[1][i] = heads.stream().filter(h -> h.layer() == l).mapToDouble(f).average().orElse(Double.NaN);
    }
    return out;
  }

  private double mean(ToDoubleFunction<HeadStats> f) {
    return heads.stream().mapToDouble(f).average().orElse(Double.NaN);
  }
}
