package dev.vlt.models.meter;

import ai.djl.ndarray.NDArray;
import dev.vlt.models.fusion.FusionConfig;

/**
 * How METER's fusion module lets text and image tokens meet, the three kinds the field uses (Dou et al. 2022, §3.3):
 * {@link MergedAttention} (one transformer over both sequences), {@link CoAttention} (two streams exchanging
 * cross-attention every layer) and {@link TextCrossAttention} (ALBEF's: only the text stream attends to the image).
 * Each takes both sequences at the fusion width H, already tagged with their modality type embeddings.
 */
public sealed interface Fusion permits MergedAttention, CoAttention, TextCrossAttention {
  /** The fused sequences: text [B, L, H] and image [B, N, H]. */
  record Fused(NDArray text, NDArray image) {}

  /**
   * text [B, L, H] with its additive key padding mask [B, 1, 1, L] (0 for a token, a large negative value for padding);
   * image [B, N, H], every token real → the fused sequences.
   */
  Fused forward(NDArray text, NDArray textMask, NDArray image);

  /** The config names of the kinds, as {@code "fusion"} takes them. */
  enum Kind {
    MERGED("merged"),
    CO_ATTENTION("co-attention"),
    CROSS_ATTENTION("cross-attention");

    private final String word;

    Kind(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }

    public static Kind parse(String word) {
      for (Kind k : values()) if (k.word.equals(word)) return k;
      throw dev.vlt.models.ConfigReader.error("fusion", "must be merged, co-attention or cross-attention, got '" + word + "'");
    }

    /** The fusion module of this kind, uninitialised. */
    Fusion create(FusionConfig cfg) {
      return switch (this) {
        case MERGED -> new MergedAttention(cfg);
        case CO_ATTENTION -> new CoAttention(cfg);
        case CROSS_ATTENTION -> new TextCrossAttention(cfg);
      };
    }
  }
}
