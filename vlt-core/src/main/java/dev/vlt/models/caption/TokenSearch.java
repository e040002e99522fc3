package dev.vlt.models.caption;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The decoding strategies on the host, independent of the network: each step asks {@link NextLogits} for the logits of
 * the next token after every live prefix and chooses. Results are the tokens after the start token, up to and excluding
 * the end token (or cut at the maximum length).
 */
public final class TokenSearch {
  /** Next-token logits [rows][vocab] for prefixes [rows][n] (one length per call); images[r] is the image row r reads. */
  @FunctionalInterface
  public interface NextLogits {
    float[][] apply(int[][] prefixes, int[] images);
  }

  private final NextLogits next;
  private final int sot;
  private final int eot;
  private final int maxLength;

  /** @param maxLength the longest sequence, start token included */
  public TokenSearch(NextLogits next, int sot, int eot, int maxLength) {
    this.next = next;
    this.sot = sot;
    this.eot = eot;
    this.maxLength = maxLength;
  }

  public List<int[]> run(int images, Decoding decoding) {
    if (decoding instanceof Decoding.Beam beam) return nBest(images, beam).stream().map(l -> l.get(0).content()).toList();
    if (decoding instanceof Decoding.Rerank) throw new IllegalArgumentException("re-ranking needs the model: use Generator");
    return stepwise(images, decoding instanceof Decoding.Sample s ? s : null);
  }

  /** Greedy ({@code sample} null) or sampling: one sequence per image from the start token. */
  private List<int[]> stepwise(int images, Decoding.Sample sample) {
    int[][] starts = new int[images][];
    for (int i = 0; i < images; i++) starts[i] = new int[] {sot};
    return continueFrom(starts, sample);
  }

  /**
   * Greedy continuation of given starts (each its own tokens, the start token first, of any length below the maximum):
   * per row the tokens generated after its start, up to and excluding the end token.
   */
  public List<int[]> greedyFrom(int[][] starts) {
    for (int[] start : starts) {
      if (start.length < 1 || start.length >= maxLength) {
        throw new IllegalArgumentException("a start of " + start.length + " tokens leaves no room below the maximum " + maxLength);
      }
    }
    return continueFrom(starts, null);
  }

  /**
   * Greedy ({@code sample} null) or sampling continuation of each row's start, every live row advancing one token per
   * round. Rows whose sequences differ in length are asked for in one call per length, as {@link NextLogits} takes one
   * length per call; when every start is the start token alone, each round is one call over the live rows.
   */
  private List<int[]> continueFrom(int[][] starts, Decoding.Sample sample) {
    int images = starts.length;
    int[][] seqs = new int[images][];
    int[] length = new int[images];
    SplittableRandom[] rng = new SplittableRandom[images];
    for (int i = 0; i < images; i++) {
      seqs[i] = Arrays.copyOf(starts[i], maxLength);
      length[i] = starts[i].length;
      if (sample != null) rng[i] = new SplittableRandom(sample.seed() * 0x9E3779B97F4A7C15L + i);
    }
    boolean[] ended = new boolean[images];
    while (true) {
      java.util.Map<Integer, List<Integer>> byLength = new java.util.TreeMap<>();
      for (int i = 0; i < images; i++) {
        if (!ended[i] && length[i] < maxLength) byLength.computeIfAbsent(length[i], n -> new ArrayList<>()).add(i);
      }
      if (byLength.isEmpty()) break;
      for (var group : byLength.entrySet()) {
        int[] rows = group.getValue().stream().mapToInt(Integer::intValue).toArray();
        int[][] prefixes = new int[rows.length][];
        for (int r = 0; r < rows.length; r++) prefixes[r] = Arrays.copyOf(seqs[rows[r]], group.getKey());
        float[][] logits = next.apply(prefixes, rows);
        for (int r = 0; r < rows.length; r++) {
          int i = rows[r];
          int token = sample == null ? argmax(logits[r]) : draw(logits[r], sample, rng[i]);
          if (token == eot) ended[i] = true;
          else seqs[i][length[i]++] = token;
        }
      }
    }
    List<int[]> out = new ArrayList<>(images);
    for (int i = 0; i < images; i++) out.add(Arrays.copyOfRange(seqs[i], starts[i].length, length[i]));
    return out;
  }

  static int argmax(float[] logits) {
    int best = 0;
    for (int v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
    return best;
  }

  /** One draw from softmax(logits / T) after top-k, then top-p, filtering. */
  static int draw(float[] logits, Decoding.Sample s, SplittableRandom rng) {
    int v = logits.length;
    double max = logits[argmax(logits)];
    double[] p = new double[v];
    for (int i = 0; i < v; i++) p[i] = Math.exp((logits[i] - max) / s.temperature());
    Integer[] order = new Integer[v];
    for (int i = 0; i < v; i++) order[i] = i;
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -p[i]).thenComparingInt(i -> i));
    int keep = s.topK() > 0 ? Math.min(s.topK(), v) : v;
    double mass = 0;
    for (int k = 0; k < keep; k++) mass += p[order[k]];
    // nucleus over the top-k distribution: the smallest prefix whose probability reaches top-p (at least one token)
    double cumulative = 0;
    int nucleus = 0;
    while (nucleus < keep && (nucleus == 0 || cumulative < s.topP() * mass)) cumulative += p[order[nucleus++]];
    double u = rng.nextDouble() * cumulative;
    for (int k = 0; k < nucleus; k++) {
      u -= p[order[k]];
      if (u < 0) return order[k];
    }
    return order[nucleus - 1];
  }

  /** A live hypothesis: its tokens (start token first) and Σ log p. */
  private record Hyp(int[] tokens, double logProb) {
    Hyp extend(int token, double logProbAfter) {
      int[] t = Arrays.copyOf(tokens, tokens.length + 1);
      t[tokens.length] = token;
      return new Hyp(t, logProbAfter);
    }

    int[] content() {
      return Arrays.copyOfRange(tokens, 1, tokens.length);
    }
  }

  /** One way to extend a hypothesis by one token. */
  private record Candidate(Hyp parent, int token, double logProb) {}

  /** A finished caption and its length-normalised score Σ log p / n^α. */
  public record Done(int[] content, double score) {}

  /** Beam search; per image its finished captions (at most the width) with their scores, best first. */
  public List<List<Done>> nBest(int images, Decoding.Beam beam) {
    int width = beam.width();
    double alpha = beam.lengthPenalty();
    List<List<Hyp>> live = new ArrayList<>();
    List<List<Done>> done = new ArrayList<>();
    boolean[] closed = new boolean[images];
    for (int i = 0; i < images; i++) {
      live.add(List.of(new Hyp(new int[] {sot}, 0)));  // one start beam, so the first step gives distinct beams
      done.add(new ArrayList<>());
    }
    Comparator<Done> best = Comparator.comparingDouble((Done d) -> -d.score());
    for (int len = 1; len < maxLength; len++) {
      List<int[]> prefixes = new ArrayList<>();
      List<Integer> rows = new ArrayList<>();
      for (int i = 0; i < images; i++) {
        if (closed[i]) continue;
        for (Hyp h : live.get(i)) {
          prefixes.add(h.tokens());
          rows.add(i);
        }
      }
      if (prefixes.isEmpty()) break;
      float[][] logits = next.apply(prefixes.toArray(new int[0][]), rows.stream().mapToInt(Integer::intValue).toArray());
      int row = 0;
      for (int i = 0; i < images; i++) {
        if (closed[i]) continue;
        List<Candidate> candidates = new ArrayList<>();
        for (Hyp h : live.get(i)) {
          double[] logp = logSoftmax(logits[row++]);
          // 2·width candidates per beam suffice: however many of them end, width others can stay live
          for (int token : topTokens(logp, 2 * width)) candidates.add(new Candidate(h, token, h.logProb() + logp[token]));
        }
        candidates.sort(Comparator.comparingDouble((Candidate c) -> -c.logProb()));  // stable: beam order, then rank
        List<Hyp> kept = new ArrayList<>(width);
        List<Done> finished = done.get(i);
        for (Candidate c : candidates) {
          if (kept.size() == width) break;
          // an ending after len tokens (start included) has generated len tokens, the end token counted
          if (c.token() == eot) finished.add(new Done(c.parent().content(), c.logProb() / Math.pow(len, alpha)));
          else kept.add(c.parent().extend(c.token(), c.logProb()));
        }
        finished.sort(best);
        while (finished.size() > width) finished.remove(finished.size() - 1);
        live.set(i, kept);
        closed[i] = kept.isEmpty()
            || finished.size() == width && bestPossible(kept, len + 1, alpha) <= finished.get(width - 1).score();
      }
    }
    List<List<Done>> out = new ArrayList<>(images);
    for (int i = 0; i < images; i++) {
      List<Done> finished = done.get(i);
      if (!closed[i]) {
        // cut at the maximum length: the live beams compete as they are
        for (Hyp h : live.get(i)) finished.add(new Done(h.content(), h.logProb() / Math.pow(h.tokens().length - 1, alpha)));
        finished.sort(best);
      }
      out.add(List.copyOf(finished.subList(0, Math.min(width, finished.size()))));
    }
    return out;
  }

  /**
   * The best normalised score any continuation of these beams can still reach. Log-probabilities only fall, so a beam of
   * score s ≤ 0 ending after n tokens scores at most s / n^α, and n lies between {@code minEnd} and the maximum length.
   */
  private double bestPossible(List<Hyp> beams, int minEnd, double alpha) {
    int maxEnd = maxLength - 1;
    double best = Double.NEGATIVE_INFINITY;
    for (Hyp h : beams) {
      double s = h.logProb();
      best = Math.max(best, Math.max(s / Math.pow(Math.min(minEnd, maxEnd), alpha), s / Math.pow(maxEnd, alpha)));
    }
    return best;
  }

  private static double[] logSoftmax(float[] logits) {
    double max = logits[argmax(logits)];
    double sum = 0;
    for (float l : logits) sum += Math.exp(l - max);
    double log = max + Math.log(sum);
    double[] out = new double[logits.length];
    for (int v = 0; v < logits.length; v++) out[v] = logits[v] - log;
    return out;
  }

  /** The k most probable tokens, most probable first (ties: the smaller id). */
  private static int[] topTokens(double[] logp, int k) {
    k = Math.min(k, logp.length);
    int[] top = new int[k];
    int n = 0;
    for (int v = 0; v < logp.length; v++) {
      if (n == k && logp[v] <= logp[top[k - 1]]) continue;
      int at = n < k ? n++ : k - 1;
      while (at > 0 && logp[top[at - 1]] < logp[v]) {
        top[at] = top[at - 1];
        at--;
      }
      top[at] = v;
    }
    return top;
  }
}
