package dev.vlt.tokenize;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Trains a byte-level BPE in CLIP's layout from captions: the same cleaning, pre-tokenizer, byte characters and "</w>" as
 * {@link ClipBpeTokenizer}, so the result loads there. Each step merges the most frequent adjacent pair (ties: the pair
 * whose left, then right, token id is smaller), so a corpus always gives the same vocabulary. Pair counts are updated
 * incrementally, touching only the words that hold the merged pair.
 */
public final class BpeTrainer {
  /** 256 byte tokens, the same with "</w>", then sot and eot: the smallest CLIP-layout vocabulary. */
  public static final int BASE_VOCAB = 512 + 2;

  private final List<String> tokens = new ArrayList<>();
  private final Map<String, Integer> tokenIds = new HashMap<>();
  private final List<int[]> words = new ArrayList<>();
  private final List<Integer> counts = new ArrayList<>();
  private final Map<Long, Pair> pairs = new HashMap<>();
  private final PriorityQueue<long[]> queue = // {count, pair}: most frequent first, then the smaller pair
      new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(b[0], a[0]) : Long.compare(a[1], b[1]));

  /** Occurrence count of one adjacent pair (weighted by word frequency) and the words that hold (or held) it. */
  private static final class Pair {
    long count;
    int[] words = new int[4];
    int size;
    int lastWord = -1;

    void addWord(int w) {
      if (w == lastWord) return;
      if (size == words.length) words = java.util.Arrays.copyOf(words, size * 2);
      words[size++] = w;
      lastWord = w;
    }
  }

  private BpeTrainer() {
    for (int b : ByteUnicode.VOCAB_ORDER) addToken(String.valueOf(ByteUnicode.charOf(b)));
    for (int b : ByteUnicode.VOCAB_ORDER) addToken(ByteUnicode.charOf(b) + BpeVocab.END_OF_WORD);
  }

  /** Trains up to {@code vocabSize} tokens (specials included), merging only pairs seen at least twice. */
  public static TrainedBpe train(List<String> captions, int vocabSize) {
    return train(captions, vocabSize, 2);
  }

  /** Trains up to {@code vocabSize} tokens; stops early when no pair occurs {@code minFrequency} times. */
  public static TrainedBpe train(List<String> captions, int vocabSize, int minFrequency) {
    if (vocabSize < BASE_VOCAB) throw new IllegalArgumentException("vocab size " + vocabSize + " is below the " + BASE_VOCAB + " byte and special tokens");
    if (minFrequency < 1) throw new IllegalArgumentException("min frequency " + minFrequency + " must be at least 1");
    BpeTrainer t = new BpeTrainer();
    t.countWords(captions);
    List<String[]> merges = new ArrayList<>();
    while (t.tokens.size() + 2 < vocabSize) {
      long[] best = t.pollBest(minFrequency);
      if (best == null) break;
      int left = (int) (best[1] >>> 32);
      int right = (int) best[1];
      merges.add(new String[] {t.tokens.get(left), t.tokens.get(right)});
      t.merge(best[1], left, right, t.addToken(t.tokens.get(left) + t.tokens.get(right)));
    }
    List<String> vocab = new ArrayList<>(t.tokens);
    vocab.add(PreTokenizer.SOT_LITERAL);
    vocab.add(PreTokenizer.EOT_LITERAL);
    return new TrainedBpe(vocab, merges);
  }

  private int addToken(String token) {
    Integer id = tokenIds.get(token);
    if (id != null) return id; // two merge paths can spell the same token: it keeps one id
    tokens.add(token);
    tokenIds.put(token, tokens.size() - 1);
    return tokens.size() - 1;
  }

  /** Pre-tokenized words with their frequencies, in sorted order so the result does not depend on hashing. */
  private void countWords(List<String> captions) {
    Map<String, Integer> freq = new HashMap<>();
    for (String caption : captions) {
      String s = TextCleaner.clean(caption, true);
      PreTokenizer.split(s, (start, end) -> {
        String w = s.substring(start, end);
        if (!w.equals(PreTokenizer.SOT_LITERAL) && !w.equals(PreTokenizer.EOT_LITERAL)) freq.merge(w, 1, Integer::sum);
        return true;
      });
    }
    for (Map.Entry<String, Integer> e : new TreeMap<>(freq).entrySet()) {
      byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
      int[] symbols = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) symbols[i] = tokenIds.get(String.valueOf(ByteUnicode.charOf(bytes[i])));
      symbols[bytes.length - 1] = tokenIds.get(ByteUnicode.charOf(bytes[bytes.length - 1]) + BpeVocab.END_OF_WORD);
      int w = words.size();
      words.add(symbols);
      counts.add(e.getValue());
      for (int i = 0; i + 1 < symbols.length; i++) pair(symbols[i], symbols[i + 1]).addWord(w);
      for (int i = 0; i + 1 < symbols.length; i++) pair(symbols[i], symbols[i + 1]).count += e.getValue();
    }
    pairs.forEach((key, p) -> queue.add(new long[] {p.count, key}));
  }

  private Pair pair(int left, int right) {
    return pairs.computeIfAbsent(LongIntMap.pair(left, right), k -> new Pair());
  }

  /** The most frequent pair, skipping queue entries whose count has changed since they were queued. */
  private long[] pollBest(int minFrequency) {
    while (!queue.isEmpty()) {
      long[] top = queue.poll();
      Pair p = pairs.get(top[1]);
      long current = p == null ? 0 : p.count;
      if (current == top[0]) return current >= minFrequency ? top : null;
      if (current > 0) queue.add(new long[] {current, top[1]});
    }
    return null;
  }

  /** Merges every occurrence of (left, right) in the words that hold it and updates the pair counts by difference. */
  private void merge(long key, int left, int right, int merged) {
    Pair target = pairs.get(key);
    int[] holders = java.util.Arrays.copyOf(target.words, target.size);
    Map<Long, Long> delta = new HashMap<>();
    for (int w : holders) {
      int[] before = words.get(w);
      int[] after = mergeWord(before, left, right, merged);
      if (after == before) continue;
      long f = counts.get(w);
      for (int i = 0; i + 1 < before.length; i++) delta.merge(LongIntMap.pair(before[i], before[i + 1]), -f, Long::sum);
      for (int i = 0; i + 1 < after.length; i++) {
        long k = LongIntMap.pair(after[i], after[i + 1]);
        delta.merge(k, f, Long::sum);
        pair(after[i], after[i + 1]).addWord(w);
      }
      words.set(w, after);
    }
    delta.forEach((k, d) -> {
      if (d == 0) return;
      Pair p = pairs.get(k);
      p.count += d;
      if (d > 0) queue.add(new long[] {p.count, k});
    });
    pairs.remove(key); // every occurrence is merged
  }

  /** One word with (left, right) merged left to right; the same array if the pair does not occur. */
  private static int[] mergeWord(int[] s, int left, int right, int merged) {
    int[] out = null;
    int n = 0;
    for (int i = 0; i < s.length; i++) {
      if (i + 1 < s.length && s[i] == left && s[i + 1] == right) {
        if (out == null) {
          out = new int[s.length - 1];
          System.arraycopy(s, 0, out, 0, i);
          n = i;
        }
        out[n++] = merged;
        i++;
      } else if (out != null) {
        out[n++] = s[i];
      }
    }
    return out == null ? s : java.util.Arrays.copyOf(out, n);
  }
}
