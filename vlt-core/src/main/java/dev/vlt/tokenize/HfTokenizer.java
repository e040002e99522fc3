package dev.vlt.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * Any Hugging Face {@code tokenizer.json} (WordPiece for BERT-style text towers, Unigram/SentencePiece for SigLIP-style,
 * other BPEs) through DJL's binding of the Rust tokenizers library. Text is cleaned as open_clip's {@code HFTokenizer} does
 * (repair, HTML unescape, whitespace; lower-casing only when asked), then truncated to the context length by the library,
 * which keeps the special tokens, and padded with the tokenizer's pad id.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
  private final HuggingFaceTokenizer plain;     // no special tokens, no truncation: encode()
  private final HuggingFaceTokenizer truncating; // special tokens, truncated to contextLength: tokenize()
  private final int contextLength;
  private final int vocabSize;
  private final int padId;
  private final boolean lowercase;
  private final OptionalInt sot;
  private final OptionalInt eot;

  private HfTokenizer(Path file, int contextLength, boolean lowercase) throws IOException {
    if (contextLength < 1) throw new IllegalArgumentException("context_length " + contextLength + " must be positive");
    JsonNode json = BpeFiles.readJson(file);
    if (!json.path("model").has("type")) throw new IllegalArgumentException(file + ": no model.type; is this a Hugging Face tokenizer.json?");
    this.vocabSize = vocabSize(json);
    this.padId = padId(json);
    this.contextLength = contextLength;
    this.lowercase = lowercase;
    this.plain = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(false).optTruncation(false).build();
    this.truncating = HuggingFaceTokenizer.builder().optTokenizerPath(file).optAddSpecialTokens(true)
        .optTruncation(true).optMaxLength(contextLength).build();
    // the special tokens the post-processor adds around a text: [CLS] x [SEP] gives both, SentencePiece's x </s> only eot
    long[] around = truncating.encode("").getIds();
    this.sot = around.length >= 2 ? OptionalInt.of((int) around[0]) : OptionalInt.empty();
    this.eot = around.length >= 1 ? OptionalInt.of((int) around[around.length - 1]) : OptionalInt.empty();
  }

  /** Loads a tokenizer.json; {@code lowercase} adds open_clip's "lower" cleaning for case-sensitive vocabularies. */
  public static HfTokenizer fromTokenizerJson(Path file, int contextLength, boolean lowercase) {
    try {
      return new HfTokenizer(file, contextLength, lowercase);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException) throw e;
      throw new IllegalArgumentException(file + ": the tokenizers library rejected it (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public int[] encode(String text) {
    return toInts(plain.encode(clean(text), false, false).getIds());
  }

  @Override
  public long[][] tokenize(List<String> texts) {
    long[][] rows = new long[texts.size()][contextLength];
    for (int t = 0; t < rows.length; t++) {
      long[] ids = truncating.encode(clean(texts.get(t))).getIds();
      Arrays.fill(rows[t], padId);
      System.arraycopy(ids, 0, rows[t], 0, Math.min(ids.length, contextLength));
    }
    return rows;
  }

  @Override
  public String decode(int[] ids) {
    for (int id : ids) {
      if (id < 0 || id >= vocabSize) throw new IllegalArgumentException("token id " + id + " is not in the vocabulary (ids 0.." + (vocabSize - 1) + ")");
    }
    return plain.decode(Arrays.stream(ids).asLongStream().toArray(), false);
  }

  @Override
  public int contextLength() {
    return contextLength;
  }

  @Override
  public int vocabSize() {
    return vocabSize;
  }

  @Override
  public int padId() {
    return padId;
  }

  @Override
  public OptionalInt sotId() {
    return sot;
  }

  @Override
  public OptionalInt eotId() {
    return eot;
  }

  @Override
  public void close() {
    plain.close();
    truncating.close();
  }

  private String clean(String text) {
    return TextCleaner.clean(text, lowercase);
  }

  private static int[] toInts(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) out[i] = (int) ids[i];
    return out;
  }

  /** Largest id in model.vocab (an object for WordPiece/BPE, [piece, score] pairs for Unigram) or added_tokens, plus one. */
  private static int vocabSize(JsonNode json) {
    int max = -1;
    JsonNode vocab = json.path("model").path("vocab");
    if (vocab.isArray()) max = vocab.size() - 1;
    else for (JsonNode id : vocab) max = Math.max(max, id.asInt());
    for (JsonNode added : json.path("added_tokens")) max = Math.max(max, added.path("id").asInt());
    return max + 1;
  }

  /** The padding section's pad_id, else the id of a conventional pad token, else 0. */
  private static int padId(JsonNode json) {
    if (json.path("padding").has("pad_id")) return json.path("padding").path("pad_id").asInt();
    for (JsonNode added : json.path("added_tokens")) {
      String content = added.path("content").asText();
      if (content.equals("[PAD]") || content.equals("<pad>")) return added.path("id").asInt();
    }
    return 0;
  }
}
