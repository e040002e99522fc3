package dev.vlt.models.loupe;

import java.util.SplittableRandom;

/**
 * The Shapley interaction of a region's players, estimated by sampling (Grabisch and Roubens 1999; in the form LOUPE
 * takes from Zhang et al. 2021): treat the region R as one player [R] in the game where its members are absent as
 * individuals, and compare its Shapley value with the members' own Shapley values in the games where each is the only
 * member present,
 * <pre>
 *   I([R]) = φ([R] | N∖R ∪ {[R]}) − Σ_{i∈R} φ(i | N∖R ∪ {i})
 *          = E_S [ v(S ∪ R) − v(S) − Σ_{i∈R} (v(S ∪ {i}) − v(S)) ],   S ⊆ N∖R
 * </pre>
 * where, in all those games alike, S is drawn as Shapley weights draw it: a size k uniform over 0..|N∖R|, then a subset
 * of that size uniformly. Positive: the members are worth more together than apart (they complement each other);
 * negative: they are redundant; zero for an additive game and for a single player.
 *
 * <p>Players are at most 64 (a ViT's patches on an 8×8 grid), so a coalition is a {@code long} bit mask.
 */
public final class ShapleyInteraction {
  /** A cooperative game over at most 64 players. */
  public interface Game {
    int players();

    /** The worth of the coalition whose players are the set bits of {@code coalition}. */
    double value(long coalition);

    /**
     * Σ_{i∈region} v(S ∪ {i}) for a context S disjoint from the region; a game may override it with something faster
     * than one {@link #value} per member.
     */
    default double memberValues(long context, long region) {
      double sum = 0;
      for (long r = region; r != 0; r &= r - 1) sum += value(context | Long.lowestOneBit(r));
      return sum;
    }
  }

  /** One region's estimate: the sample mean and its standard error over the contexts drawn. */
  public record Estimate(double mean, double standardError, int contexts) {}

  private ShapleyInteraction() {}

  /** The interaction of {@code region}'s players, from {@code contexts} contexts drawn from {@code random}. */
  public static Estimate sample(Game game, long region, int contexts, SplittableRandom random) {
    if (contexts < 1) throw new IllegalArgumentException("need at least one context, got " + contexts);
    int n = game.players();
    long all = n == 64 ? -1L : (1L << n) - 1;
    if ((region & ~all) != 0 || region == 0) throw new IllegalArgumentException("region must be a non-empty set of the game's " + n + " players");
    int m = Long.bitCount(region);
    if (m == 1) return new Estimate(0, 0, contexts);
    int[] outside = new int[n - m];
    int k = 0;
    for (int p = 0; p < n; p++) if ((region >>> p & 1) == 0) outside[k++] = p;
    double sum = 0, sumSq = 0;
    for (int c = 0; c < contexts; c++) {
      long s = context(outside, random);
      double vs = game.value(s);
      double x = game.value(s | region) - vs - (game.memberValues(s, region) - m * vs);
      sum += x;
      sumSq += x * x;
    }
    double mean = sum / contexts;
    double var = contexts > 1 ? Math.max(0, (sumSq - contexts * mean * mean) / (contexts - 1)) : 0;
    return new Estimate(mean, Math.sqrt(var / contexts), contexts);
  }

  /** A Shapley-weighted context from {@code outside}: size uniform over 0..|outside|, then members uniformly (Floyd). */
  static long context(int[] outside, SplittableRandom random) {
    int size = random.nextInt(outside.length + 1);
    long s = 0;
    // partial Fisher-Yates over a copy would allocate; Floyd's algorithm picks `size` distinct indices directly
    for (int j = outside.length - size; j < outside.length; j++) {
      int t = random.nextInt(j + 1);
      long bit = 1L << outside[t];
      s |= (s & bit) == 0 ? bit : 1L << outside[j];
    }
    return s;
  }

  /**
   * LOUPE's value function here: the cosine between a phrase's embedding and the image embedding pooled over the
   * coalition's patches only. The image embedding of the model is the mean of its patch tokens through the image
   * projection ({@code pool_type avg}), so a coalition's embedding is the mean of its members' projected patches, and
   * the cosine does not depend on the 1/|S| of the mean: v(S) = cos(Σ_{p∈S} e_p, t), v(∅) = 0. The patches are masked
   * out of the pooling, not out of the ViT's attention: the ViT runs once per image, where masking its attention would
   * run it once per coalition (thousands per step).
   *
   * @param patches e_p, [P][E] projected patch tokens
   * @param text t, [E]
   */
  public record CosineGame(float[][] patches, float[] text) implements Game {
    public CosineGame {
      if (patches.length == 0 || patches.length > 64) throw new IllegalArgumentException("1..64 players, got " + patches.length);
    }

    @Override
    public int players() {
      return patches.length;
    }

    @Override
    public double value(long coalition) {
      if (coalition == 0) return 0;
      double[] x = sum(coalition);
      return cosine(x, 0, null);
    }

    /** v(S ∪ {i}) for every member from one sum over S: Σ e + e_i needs only e_i added. */
    @Override
    public double memberValues(long context, long region) {
      double[] x = context == 0 ? new double[text.length] : sum(context);
      double total = 0;
      for (long r = region; r != 0; r &= r - 1) total += cosine(x, 1, patches[Long.numberOfTrailingZeros(r)]);
      return total;
    }

    private double[] sum(long coalition) {
      double[] x = new double[text.length];
      for (long r = coalition; r != 0; r &= r - 1) {
        float[] e = patches[Long.numberOfTrailingZeros(r)];
        for (int d = 0; d < x.length; d++) x[d] += e[d];
      }
      return x;
    }

    /** cos(x + w·extra, t). */
    private double cosine(double[] x, double w, float[] extra) {
      double dot = 0, nx = 0, nt = 0;
      for (int d = 0; d < x.length; d++) {
        double v = extra == null ? x[d] : x[d] + w * extra[d];
        dot += v * text[d];
        nx += v * v;
        nt += (double) text[d] * text[d];
      }
      return nx == 0 || nt == 0 ? 0 : dot / Math.sqrt(nx * nt);
    }
  }
}
