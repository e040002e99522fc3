package dev.vlt.tokenize;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Captions per second of {@link ClipBpeTokenizer#tokenize} on generated captions, the figure compared with open_clip's Python
 * tokenizer (≈14.7k captions/s on the reference machine; DESIGN.md "Speed references").
 */
public final class TokenizerBench {
  private static final int BATCH = 256;
  private static final String[] ADJ = {"small", "large", "red", "blue", "green", "old", "young", "happy", "wooden", "shiny",
      "fluffy", "bright", "dark", "tall", "tiny", "colorful", "vintage", "modern", "wet", "sleepy", "striped", "golden"};
  private static final String[] NOUN = {"dog", "cat", "man", "woman", "child", "car", "bicycle", "tree", "house", "boat",
      "horse", "bird", "train", "table", "pizza", "umbrella", "guitar", "mountain", "street", "kitchen", "sandwich",
      "giraffe", "elephant", "skateboard", "laptop", "bridge", "flower", "teddy bear", "motorcycle", "surfboard"};
  private static final String[] VERB = {"sitting on", "standing next to", "running across", "lying under", "looking at",
      "walking along", "jumping over", "parked near", "holding", "riding", "eating", "playing with"};
  private static final String[] PLACE = {"the beach", "a busy street", "the park", "a snowy field", "the kitchen counter",
      "a wooden table", "the river bank", "an old building", "the living room", "a city square", "the forest"};
  private static final String[] OPENER = {"A photo of", "An image of", "Close-up of", "A picture showing", "There is",
      "A blurry photo of", "A black and white photo of", "Aerial view of", ""};
  private static final String[] EXTRA = {" at sunset", " in the rain", ", with people in the background", " on a sunny day",
      " (taken in 1998)", " - 4K wallpaper", " #nature #travel", " &amp; friends", " at the café", " 😀", "!!!", "..."};
  private static final String[] SYLLABLE = {"ka", "lo", "mi", "ren", "tos", "val", "dor", "shi", "qu", "ber", "ny", "zel"};

  /** Throughput of one run; the fresh figure starts from an empty word cache. */
  public record Result(int captions, double captionsPerSecond, double freshCacheCaptionsPerSecond, double tokensPerCaption) {}

  private TokenizerBench() {}

  /** Deterministic varied captions: templates, numbers, punctuation, a long tail of made-up names, some non-ASCII. */
  public static List<String> captions(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      StringBuilder s = new StringBuilder(96);
      String opener = pick(OPENER, rnd);
      s.append(opener).append(opener.isEmpty() ? "" : " ");
      int count = rnd.nextInt(6);
      s.append(count < 2 ? "a" : count == 2 ? "two" : String.valueOf(count)).append(' ');
      s.append(pick(ADJ, rnd)).append(' ').append(pick(NOUN, rnd)).append(count >= 2 ? "s " : " ");
      s.append(pick(VERB, rnd)).append(' ');
      if (rnd.nextInt(4) == 0) s.append(name(rnd)).append("'s ");
      s.append(rnd.nextBoolean() ? pick(PLACE, rnd) : "a " + pick(ADJ, rnd) + " " + pick(NOUN, rnd));
      if (rnd.nextInt(3) == 0) s.append(pick(EXTRA, rnd));
      if (rnd.nextInt(5) == 0) s.append(" in ").append(name(rnd)).append(", ").append(1950 + rnd.nextInt(75));
      if (rnd.nextBoolean()) s.append('.');
      out.add(rnd.nextInt(10) == 0 ? s.toString().toUpperCase(java.util.Locale.ROOT) : s.toString());
    }
    return out;
  }

  /**
   * Warms the JIT on other captions until the speed settles (the compiler threads are slow to finish on a busy machine),
   * then times {@code n} captions from an empty word cache and with a warm one, best of three each.
   */
  public static Result run(ClipBpeTokenizer tokenizer, int n) {
    List<String> captions = captions(n, 42);
    List<String> warmup = captions(Math.min(n, 20_000), 7);
    long start = System.nanoTime();
    double previous = 0;
    for (double speed = 0; ; previous = speed) {
      tokenizer.clearCache(); // so the BPE path warms up too
      speed = timeTokenize(tokenizer, warmup);
      double elapsed = (System.nanoTime() - start) / 1e9;
      if (elapsed > 2 && Math.abs(speed - previous) < 0.1 * speed || elapsed > 20) break;
    }
    long[] tokens = new long[1];
    double fresh = 0;
    double warm = 0;
    for (int k = 0; k < 3; k++) {
      tokenizer.clearCache();
      fresh = Math.max(fresh, timeTokenize(tokenizer, captions, tokens));
    }
    for (int k = 0; k < 3; k++) warm = Math.max(warm, timeTokenize(tokenizer, captions));
    return new Result(n, warm, fresh, (double) tokens[0] / n);
  }

  private static double timeTokenize(ClipBpeTokenizer tokenizer, List<String> captions) {
    return timeTokenize(tokenizer, captions, new long[1]);
  }

  /** Captions/s of tokenizing in batches; counts the non-pad ids into {@code tokens[0]}. */
  private static double timeTokenize(ClipBpeTokenizer tokenizer, List<String> captions, long[] tokens) {
    long start = System.nanoTime();
    long nonPad = 0;
    for (int i = 0; i < captions.size(); i += BATCH) {
      for (long[] row : tokenizer.tokenize(captions.subList(i, Math.min(captions.size(), i + BATCH)))) {
        for (long id : row) if (id != 0) nonPad++;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    tokens[0] = nonPad;
    return captions.size() / seconds;
  }

  private static String name(SplittableRandom rnd) {
    StringBuilder s = new StringBuilder();
    for (int k = 1 + rnd.nextInt(3); k >= 0; k--) s.append(pick(SYLLABLE, rnd));
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String pick(String[] options, SplittableRandom rnd) {
    return options[rnd.nextInt(options.length)];
  }
}
