package dev.vlt.tokenize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A byte-level BPE vocabulary in CLIP's layout: token strings in byte-character form ({@link ByteUnicode}) with "</w>"
 * marking a word's last symbol, the merges in rank order, and the start/end-of-text ids.
 *
 * @param tokens id → token string (null for an unused id)
 * @param merges merges in rank order, each {left, right}
 * @param source the file(s) it came from, for error messages
 */
record BpeVocab(String[] tokens, List<String[]> merges, int sot, int eot, String source) {
  static final String END_OF_WORD = "</w>";
  /** open_clip's special-token names, and transformers' names for the same ids. */
  static final String[] SOT_NAMES = {"<start_of_text>", "<|startoftext|>"};
  static final String[] EOT_NAMES = {"<end_of_text>", "<|endoftext|>"};

  /** open_clip's construction from a merges list: 256 byte tokens, the same with "</w>", one token per merge, sot, eot. */
  static BpeVocab fromMerges(List<String[]> merges, String source) {
    List<String> vocab = new ArrayList<>(512 + merges.size() + 2);
    for (int b : ByteUnicode.VOCAB_ORDER) vocab.add(String.valueOf(ByteUnicode.charOf(b)));
    for (int b : ByteUnicode.VOCAB_ORDER) vocab.add(ByteUnicode.charOf(b) + END_OF_WORD);
    for (String[] m : merges) vocab.add(m[0] + m[1]);
    vocab.add(SOT_NAMES[0]);
    vocab.add(EOT_NAMES[0]);
    return new BpeVocab(vocab.toArray(String[]::new), merges, vocab.size() - 2, vocab.size() - 1, source);
  }

  /** From an explicit token → id map (vocab.json, tokenizer.json); sot/eot found under either naming. */
  static BpeVocab fromIds(Map<String, Integer> ids, List<String[]> merges, String source) {
    int max = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
    String[] tokens = new String[max + 1];
    for (Map.Entry<String, Integer> e : ids.entrySet()) {
      if (e.getValue() < 0) throw new IllegalArgumentException(source + ": token " + quote(e.getKey()) + " has negative id " + e.getValue());
      tokens[e.getValue()] = e.getKey();
    }
    return new BpeVocab(tokens, merges, find(ids, SOT_NAMES, source), find(ids, EOT_NAMES, source), source);
  }

  private static int find(Map<String, Integer> ids, String[] names, String source) {
    for (String name : names) if (ids.containsKey(name)) return ids.get(name);
    throw new IllegalArgumentException(source + ": no " + names[0] + " (or " + names[1] + ") token in the vocabulary");
  }

  /** token → id, where a repeated token string keeps its last id (open_clip builds the same dict). */
  Map<String, Integer> ids() {
    Map<String, Integer> ids = new HashMap<>(tokens.length * 2);
    for (int i = 0; i < tokens.length; i++) if (tokens[i] != null) ids.put(tokens[i], i);
    return ids;
  }

  /** The merges as id triples {left, right, merged} for {@link BpeMerger}; every token must be in the vocabulary. */
  int[][] mergeIds(Map<String, Integer> ids) {
    int[][] out = new int[merges.size()][];
    for (int r = 0; r < out.length; r++) {
      String[] m = merges.get(r);
      out[r] = new int[] {id(ids, m[0], r), id(ids, m[1], r), id(ids, m[0] + m[1], r)};
    }
    return out;
  }

  private int id(Map<String, Integer> ids, String token, int rank) {
    Integer id = ids.get(token);
    if (id == null) throw new IllegalArgumentException(source + ": merge " + (rank + 1) + " needs token " + quote(token) + ", which is not in the vocabulary");
    return id;
  }

  static String quote(String token) {
    return "'" + token + "'";
  }
}
