package dev.vlt.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WordPiece and Unigram tokenizer.json files through DJL's tokenizers binding, behind the same interface. */
class HfTokenizerTest {
  static final String WORDPIECE = """
      {"version": "1.0", "truncation": null, "padding": null,
       "added_tokens": [
         {"id": 0, "content": "[PAD]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
         {"id": 1, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
         {"id": 2, "content": "[CLS]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
         {"id": 3, "content": "[SEP]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}],
       "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
       "pre_tokenizer": {"type": "BertPreTokenizer"},
       "post_processor": {"type": "TemplateProcessing",
         "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
         "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                  {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
         "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]}, "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
       "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
       "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
         "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "a": 4, "photo": 5, "of": 6, "cat": 7, "dog": 8, "##s": 9,
                   "play": 10, "##ing": 11, ".": 12, "the": 13}}}
      """;

  static final String UNIGRAM = """
      {"version": "1.0", "truncation": null, "padding": null,
       "added_tokens": [
         {"id": 0, "content": "<pad>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
         {"id": 1, "content": "</s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
         {"id": 2, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}],
       "normalizer": null,
       "pre_tokenizer": {"type": "Metaspace", "replacement": "\\u2581", "prepend_scheme": "always", "split": true},
       "post_processor": {"type": "TemplateProcessing",
         "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
         "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
         "special_tokens": {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}}},
       "decoder": {"type": "Metaspace", "replacement": "\\u2581", "prepend_scheme": "always", "split": true},
       "model": {"type": "Unigram", "unk_id": 2, "byte_fallback": false,
         "vocab": [["<pad>", 0.0], ["</s>", 0.0], ["<unk>", 0.0], ["\\u2581a", -2.0], ["\\u2581photo", -3.0], ["\\u2581of", -2.5],
                   ["\\u2581cat", -3.0], ["s", -2.0], ["\\u2581", -4.0], ["c", -5.0], ["a", -5.0], ["t", -5.0]]}}
      """;

  @Test
  void wordPieceSplitsLowercasesAndAddsClsSep(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("tokenizer.json"), WORDPIECE);
    try (HfTokenizer t = HfTokenizer.fromTokenizerJson(file, 8, false)) {
      assertArrayEquals(new int[] {4, 5, 6, 7, 9}, t.encode("A photo of cats"));
      assertArrayEquals(new int[] {13, 8, 10, 11, 1}, t.encode("the dog playing zebra")); // unknown word -> [UNK]
      assertArrayEquals(new long[] {2, 4, 5, 6, 7, 9, 3, 0}, t.tokenize("A photo of cats"));
      assertArrayEquals(new long[] {2, 4, 5, 6, 4, 5, 6, 3}, t.tokenize("a photo of a photo of a photo of")); // [SEP] kept
      assertEquals(OptionalInt.of(2), t.sotId());
      assertEquals(OptionalInt.of(3), t.eotId());
      assertEquals(0, t.padId());
      assertEquals(14, t.vocabSize());
      assertEquals("a photo of cats", t.decode(new int[] {4, 5, 6, 7, 9}));
      assertEquals(2, t.tokenize(List.of("a", "the cat")).length);
      assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {99}));
    }
  }

  @Test
  void unigramUsesSentencePiecePiecesAndEos(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("tokenizer.json"), UNIGRAM);
    try (HfTokenizer t = HfTokenizer.fromTokenizerJson(file, 6, true)) {
      assertArrayEquals(new int[] {3, 4, 5, 6, 7}, t.encode("A photo of cats")); // lower-cased by the cleaning
      assertArrayEquals(new long[] {3, 4, 5, 6, 7, 1}, t.tokenize("a photo of cats"));
      assertArrayEquals(new long[] {3, 6, 1, 0, 0, 0}, t.tokenize("a cat"));
      assertEquals(OptionalInt.empty(), t.sotId());
      assertEquals(OptionalInt.of(1), t.eotId());
      assertEquals(12, t.vocabSize());
    }
  }

  @Test
  void resolverPicksTheLibraryForNonClipTokenizers(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("tokenizer.json"), WORDPIECE);
    Tokenizer t = Tokenizers.resolve(dir, new TokenizerSpec(12, 49408, null, false), null, "m", k -> null, dir, java.util.List.of());
    assertInstanceOf(HfTokenizer.class, t);
    assertEquals(12, t.contextLength());
    ((HfTokenizer) t).close();
  }
}
