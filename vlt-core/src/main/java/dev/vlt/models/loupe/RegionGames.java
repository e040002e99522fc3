package dev.vlt.models.loupe;

import dev.vlt.models.grounding.PatchBoxes;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/** Which candidate regions a phrase plays, and its game, from host copies of a batch's patches and phrases. */
public final class RegionGames {
  private RegionGames() {}

  /**
   * The n/2 candidates the region head scores best ({@code scores} from {@link PatchBoxes#scores}), then distinct
   * others drawn at random up to n: the head's own choices are where its pseudo-label matters, the random ones keep the
   * whole range of regions in play.
   */
  public static int[] choose(PatchBoxes boxes, double[] scores, int n, SplittableRandom random) {
    if (n > boxes.size()) throw new IllegalArgumentException(n + " regions asked of " + boxes.size() + " candidates");
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
    int[] out = new int[n];
    Set<Integer> taken = new HashSet<>();
    for (int k = 0; k < n / 2; k++) {
      out[k] = order[k];
      taken.add(order[k]);
    }
    for (int k = n / 2; k < n; ) {
      int c = random.nextInt(boxes.size());
      if (taken.add(c)) out[k++] = c;
    }
    return out;
  }

  /**
   * Row {@code r}'s game: {@code patches} holds [J, P, E] projected patches and {@code text} [J, E] normalised phrases,
   * flattened.
   */
  public static ShapleyInteraction.CosineGame game(float[] patches, float[] text, int r, int players, int e) {
    float[][] rows = new float[players][];
    for (int q = 0; q < players; q++) rows[q] = Arrays.copyOfRange(patches, (r * players + q) * e, (r * players + q + 1) * e);
    return new ShapleyInteraction.CosineGame(rows, Arrays.copyOfRange(text, r * e, (r + 1) * e));
  }

  /**
   * The region's sampled interaction per member, I([R]) / |R|: what LOUPE's pseudo-labels and its neural module work
   * with. The raw interaction grows with the region (here from −56 to +7 over 1..64 patches, most of it the size), so
   * regions of one and of sixty-four patches are put on one scale, and one uncertainty threshold means the same for both.
   */
  public static double perMember(ShapleyInteraction.Game game, long region, int contexts, SplittableRandom random) {
    return ShapleyInteraction.sample(game, region, contexts, random).mean() / Long.bitCount(region);
  }

  /** The map's mid-range, min + ½(max − min): the level {@link PatchBoxes#best(float[])} scores regions against. */
  public static float midRange(float[] map) {
    float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
    for (float v : map) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return lo + 0.5f * (hi - lo);
  }
}
