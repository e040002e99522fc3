package dev.vlt.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * open_clip's {@code SimpleTokenizer}, id for id: clean (ftfy-style repair, HTML unescape twice, whitespace, lower case),
 * pre-tokenize with CLIP's pattern, UTF-8 bytes as byte characters, BPE with "</w>" on each word's last symbol, then
 * {@code [sot] + ids + [eot]} truncated to the context length with eot kept in the last slot, padded with 0.
 * Thread-safe; words are cached.
 */
public final class ClipBpeTokenizer implements Tokenizer {
  private static final int MAX_CACHED_WORD = 64;
  private static final int MAX_CACHE_ENTRIES = 1 << 19;

  private final String[] tokens;
  private final BpeMerger merger;
  private final int[] byteIds = new int[256];
  private final int[] byteEndIds = new int[256];
  private final int sot;
  private final int eot;
  private final int contextLength;
  private final Map<String, int[]> cache;

  private ClipBpeTokenizer(BpeVocab vocab, int contextLength) {
    checkContextLength(contextLength);
    Map<String, Integer> ids = vocab.ids();
    this.tokens = vocab.tokens();
    this.merger = new BpeMerger(vocab.mergeIds(ids));
    for (int b = 0; b < 256; b++) {
      String c = String.valueOf(ByteUnicode.charOf(b));
      byteIds[b] = baseId(ids, c, vocab);
      byteEndIds[b] = baseId(ids, c + BpeVocab.END_OF_WORD, vocab);
    }
    this.sot = vocab.sot();
    this.eot = vocab.eot();
    this.contextLength = contextLength;
    this.cache = new ConcurrentHashMap<>(1 << 14);
  }

  private ClipBpeTokenizer(ClipBpeTokenizer base, int contextLength) {
    checkContextLength(contextLength);
    this.tokens = base.tokens;
    this.merger = base.merger;
    System.arraycopy(base.byteIds, 0, byteIds, 0, 256);
    System.arraycopy(base.byteEndIds, 0, byteEndIds, 0, 256);
    this.sot = base.sot;
    this.eot = base.eot;
    this.contextLength = contextLength;
    this.cache = base.cache;
  }

  /** From open_clip's merges file (bpe_simple_vocab_16e6.txt.gz, gzip or plain text). */
  public static ClipBpeTokenizer fromMergesFile(Path file, int contextLength) {
    return new ClipBpeTokenizer(BpeFiles.openClipMerges(file), contextLength);
  }

  /** From transformers' vocab.json + merges.txt of a CLIP tokenizer (or one written by {@link BpeTrainer}). */
  public static ClipBpeTokenizer fromVocabAndMerges(Path vocabJson, Path mergesTxt, int contextLength) {
    return new ClipBpeTokenizer(BpeFiles.vocabAndMerges(vocabJson, mergesTxt), contextLength);
  }

  /** From a Hugging Face tokenizer.json whose model is a CLIP-style BPE. */
  public static ClipBpeTokenizer fromTokenizerJson(Path file, int contextLength) {
    return fromTokenizerJson(file, BpeFiles.readJson(file), contextLength);
  }

  static ClipBpeTokenizer fromTokenizerJson(Path file, JsonNode parsed, int contextLength) {
    return new ClipBpeTokenizer(BpeFiles.tokenizerJson(file, parsed), contextLength);
  }

  /** The same vocabulary (and word cache) with another context length. */
  public ClipBpeTokenizer withContextLength(int contextLength) {
    return contextLength == this.contextLength ? this : new ClipBpeTokenizer(this, contextLength);
  }

  @Override
  public int[] encode(String text) {
    IntList out = new IntList(32);
    encodeCleaned(TextCleaner.clean(text, true), out, Integer.MAX_VALUE);
    return out.toArray();
  }

  @Override
  public long[][] tokenize(List<String> texts) {
    long[][] rows = new long[texts.size()][contextLength];
    IntList ids = new IntList(contextLength + 16);
    for (int t = 0; t < rows.length; t++) {
      ids.clear();
      ids.add(sot);
      // only the first contextLength tokens can reach the row, so a huge text stops early
      encodeCleaned(TextCleaner.clean(texts.get(t), true), ids, contextLength);
      int n = Math.min(ids.size(), contextLength - 1);
      long[] row = rows[t];
      for (int i = 0; i < n; i++) row[i] = ids.get(i);
      row[n] = eot; // after the content, or overwriting the last kept token when truncated
    }
    return rows;
  }

  @Override
  public String decode(int[] ids) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(ids.length * 4);
    for (int id : ids) {
      if (id < 0 || id >= tokens.length || tokens[id] == null) {
        throw new IllegalArgumentException("token id " + id + " is not in the vocabulary (ids 0.." + (tokens.length - 1) + ")");
      }
      String token = tokens[id];
      for (int i = 0; i < token.length(); i++) {
        int b = ByteUnicode.byteOf(token.charAt(i));
        if (b >= 0) bytes.write(b);
        else bytes.writeBytes(String.valueOf(token.charAt(i)).getBytes(StandardCharsets.UTF_8));
      }
    }
    return bytes.toString(StandardCharsets.UTF_8).replace(BpeVocab.END_OF_WORD, " ");
  }

  /** The BPE token strings of a text (byte-character form), as open_clip's {@code bpe()} writes them. */
  public List<String> bpeTokens(String text) {
    List<String> out = new ArrayList<>();
    for (int id : encode(text)) out.add(tokens[id]);
    return out;
  }

  @Override
  public int contextLength() {
    return contextLength;
  }

  @Override
  public int vocabSize() {
    return tokens.length;
  }

  @Override
  public int padId() {
    return 0;
  }

  @Override
  public OptionalInt sotId() {
    return OptionalInt.of(sot);
  }

  @Override
  public OptionalInt eotId() {
    return OptionalInt.of(eot);
  }

  /** Appends the ids of cleaned text, stopping once {@code out} holds at least {@code limit} ids. */
  private void encodeCleaned(String s, IntList out, int limit) {
    PreTokenizer.split(s, (start, end) -> {
      out.addAll(wordIds(s, start, end));
      return out.size() < limit;
    });
  }

  private int[] wordIds(String s, int start, int end) {
    String word = s.substring(start, end);
    int[] ids = cache.get(word);
    if (ids != null) return ids;
    if (word.equals(PreTokenizer.SOT_LITERAL)) ids = new int[] {sot};
    else if (word.equals(PreTokenizer.EOT_LITERAL)) ids = new int[] {eot};
    else ids = bpe(word);
    if (word.length() <= MAX_CACHED_WORD) {
      if (cache.size() >= MAX_CACHE_ENTRIES) cache.clear(); // a crude bound: captions repeat few words, so this is rare
      cache.put(word, ids);
    }
    return ids;
  }

  private int[] bpe(String word) {
    byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
    int[] symbols = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) symbols[i] = byteIds[bytes[i] & 0xFF];
    symbols[bytes.length - 1] = byteEndIds[bytes[bytes.length - 1] & 0xFF];
    return merger.merge(symbols);
  }

  /** Empties the word cache, for measuring the uncached speed. */
  void clearCache() {
    cache.clear();
  }

  private static int baseId(Map<String, Integer> ids, String token, BpeVocab vocab) {
    Integer id = ids.get(token);
    if (id == null) throw new IllegalArgumentException(vocab.source() + ": byte token " + BpeVocab.quote(token) + " is missing from the vocabulary");
    return id;
  }

  private static void checkContextLength(int contextLength) {
    if (contextLength < 2) throw new IllegalArgumentException("context_length " + contextLength + " is too small: it must hold sot and eot (>= 2)");
  }
}
