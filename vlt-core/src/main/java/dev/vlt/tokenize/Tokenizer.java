package dev.vlt.tokenize;

import java.util.List;
import java.util.OptionalInt;

/**
 * Text → token ids for a text tower. {@link #tokenize} gives the model input: one row of {@link #contextLength()} ids per
 * text, with the tokenizer's special tokens, truncated and padded exactly as the checkpoint's own tokenizer does.
 */
public interface Tokenizer {
  /** The content ids of one text: cleaned and split, no special tokens, no truncation. */
  int[] encode(String text);

  /** Model input ids, shape [texts.size(), contextLength()], padded with {@link #padId()}. */
  long[][] tokenize(List<String> texts);

  /** One row of {@link #tokenize(List)}, shape [contextLength()]. */
  default long[] tokenize(String text) {
    return tokenize(List.of(text))[0];
  }

  /** Text back from ids (special tokens included as their literal strings). */
  String decode(int[] ids);

  int contextLength();

  /** Number of ids, i.e. rows of the token embedding. */
  int vocabSize();

  int padId();

  /** The start-of-text id where the tokenizer adds one (CLIP's sot, BERT's [CLS]). */
  OptionalInt sotId();

  /** The end-of-text id where the tokenizer adds one (CLIP's eot, BERT's [SEP]). */
  OptionalInt eotId();
}
