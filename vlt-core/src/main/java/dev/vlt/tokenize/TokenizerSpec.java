package dev.vlt.tokenize;

/**
 * What a model's config says about its tokenizer, so a tokenizer can be found for it without reading the config again.
 *
 * @param contextLength tokens per text, start and end included
 * @param vocabSize the text tower's embedding rows: a tokenizer must not produce ids at or above it
 * @param hfTokenizerName a Hugging Face tokenizer the model was trained with, or null for CLIP's byte-level BPE
 * @param lowercase whether text is lower-cased before a Hugging Face tokenizer (open_clip's {@code clean: lower})
 */
public record TokenizerSpec(int contextLength, int vocabSize, String hfTokenizerName, boolean lowercase) {
  /** CLIP's tokenizer: byte-level BPE with 49,408 ids. */
  public static final int CLIP_VOCAB_SIZE = 49408;

  public TokenizerSpec {
    if (contextLength < 2) throw new IllegalArgumentException("context length must be at least 2, got " + contextLength);
  }

  /** True when the model's vocabulary is CLIP's own, so CLIP's BPE fits it. */
  public boolean usesClipVocabulary() {
    return hfTokenizerName == null && vocabSize == CLIP_VOCAB_SIZE;
  }
}
