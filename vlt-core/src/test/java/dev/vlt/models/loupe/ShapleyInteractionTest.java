package dev.vlt.models.loupe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sampled interaction on games whose interaction is known, and the cosine game's fast path. */
class ShapleyInteractionTest {
  /** A game over n players from a value function. */
  record Fn(int players, java.util.function.LongToDoubleFunction v) implements ShapleyInteraction.Game {
    @Override
    public double value(long coalition) {
      return v.applyAsDouble(coalition);
    }
  }

  @Test
  void additiveGameHasNoInteraction() {
    double[] w = {0.3, -1.2, 2.0, 0.7, 0.1, -0.4, 1.5, 0.9, -2.2, 0.05};
    Fn additive = new Fn(w.length, s -> {
      double sum = 0;
      for (int p = 0; p < w.length; p++) if ((s >>> p & 1) != 0) sum += w[p];
      return sum;
    });
    var e = ShapleyInteraction.sample(additive, 0b1011_0110L, 32, new SplittableRandom(1));
    assertEquals(0, e.mean(), 1e-12);
    assertEquals(0, e.standardError(), 1e-12);
  }

  @Test
  void aPairValuableOnlyTogetherInteractsPositivelyAndARedundantPairNegatively() {
    long pair = 0b11L;
    Fn together = new Fn(12, s -> (s & pair) == pair ? 1 : 0);        // worth 1 only with both 0 and 1
    Fn either = new Fn(12, s -> (s & pair) != 0 ? 1 : 0);             // worth 1 with either: the second adds nothing
    assertEquals(1, ShapleyInteraction.sample(together, pair, 16, new SplittableRandom(2)).mean(), 1e-12);
    assertEquals(-1, ShapleyInteraction.sample(either, pair, 16, new SplittableRandom(3)).mean(), 1e-12);
    // a region holding the pair and a bystander: the bystander adds nothing either way
    assertEquals(1, ShapleyInteraction.sample(together, 0b111L, 16, new SplittableRandom(4)).mean(), 1e-12);
    // a single player never interacts with itself
    assertEquals(0, ShapleyInteraction.sample(together, 0b1L, 16, new SplittableRandom(5)).mean(), 0);
  }

  @Test
  void contextsAreShapleyWeightedAndStayOutsideTheRegion() {
    int[] outside = {0, 2, 3, 5, 7, 8, 9, 11, 12, 13};                  // 10 players outside the region
    SplittableRandom r = new SplittableRandom(6);
    int[] bySize = new int[outside.length + 1];
    long allowed = 0;
    for (int p : outside) allowed |= 1L << p;
    for (int i = 0; i < 22_000; i++) {
      long s = ShapleyInteraction.context(outside, r);
      assertEquals(0, s & ~allowed, "context drawn from outside the region only");
      bySize[Long.bitCount(s)]++;
    }
    for (int k = 0; k <= outside.length; k++) assertEquals(2000, bySize[k], 200, "size " + k + " as likely as any other");
  }

  @Test
  void cosineGameFastPathMatchesOneValuePerMember() {
    SplittableRandom r = new SplittableRandom(7);
    float[][] patches = new float[16][6];
    float[] text = new float[6];
    for (float[] p : patches) for (int d = 0; d < 6; d++) p[d] = (float) r.nextGaussian();
    for (int d = 0; d < 6; d++) text[d] = (float) r.nextGaussian();
    var game = new ShapleyInteraction.CosineGame(patches, text);
    ShapleyInteraction.Game plain = new Fn(16, game::value);
    long region = 0b0110_0000_0011_0000L;
    for (long context : new long[] {0L, 0b1001L, 0b1000_1000_0000_0101L}) {
      assertEquals(plain.memberValues(context, region), game.memberValues(context, region), 1e-9);
    }
    assertEquals(0, game.value(0), 0, "the empty coalition is worth nothing");
    assertEquals(ShapleyInteraction.sample(plain, region, 20, new SplittableRandom(8)).mean(),
        ShapleyInteraction.sample(game, region, 20, new SplittableRandom(8)).mean(), 1e-9);
    assertTrue(Math.abs(game.value(0b11)) <= 1 + 1e-9);
  }
}
