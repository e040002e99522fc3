package dev.vlt.models.caption;

/** How {@link Generator} picks each next token. */
public sealed interface Decoding permits Decoding.Greedy, Decoding.Beam, Decoding.Rerank, Decoding.Sample {
  /** The most probable token at every step (ties: the smaller id). */
  record Greedy() implements Decoding {}

  /**
   * Beam search keeping {@code width} hypotheses; finished captions are ranked by Σ log p / n^lengthPenalty, n the number
   * of generated tokens including the end token (0: raw log-probability, which favours short captions; 1: per-token mean).
   */
  record Beam(int width, double lengthPenalty) implements Decoding {
    public Beam {
      if (width < 1) throw new IllegalArgumentException("beam width must be at least 1, got " + width);
      if (!Double.isFinite(lengthPenalty)) throw new IllegalArgumentException("length penalty must be finite, got " + lengthPenalty);
    }
  }

  /**
   * Beam search as {@link Beam}, then its {@code width} finished captions re-ranked by the model's own contrastive towers
   * as well: the caption with the highest beam score + weight × logit scale × cosine(text embedding, image embedding)
   * wins. Weight 1 is the caption most probable under decoder and contrastive head together; an infinite weight ranks by
   * the cosine alone. CoCa trains both heads on the same pairs; the decoder proposes fluent captions, the contrastive
   * towers judge which one fits this image.
   */
  record Rerank(int width, double lengthPenalty, double weight) implements Decoding {
    public Rerank {
      new Beam(width, lengthPenalty);  // the same limits
      if (!(weight >= 0)) throw new IllegalArgumentException("re-ranking weight must be >= 0, got " + weight);
    }

    public Rerank(int width, double lengthPenalty) {
      this(width, lengthPenalty, 1.0);
    }

    Beam beam() {
      return new Beam(width, lengthPenalty);
    }
  }

  /**
   * Ancestral sampling from softmax(logits / temperature), restricted to the {@code topK} most probable tokens (0: no
   * limit) and then to the smallest set whose probability reaches {@code topP} (Holtzman et al.'s nucleus; 1: no limit).
   * Image i of a batch draws from its own generator seeded by (seed, i), so its caption does not depend on the others.
   */
  record Sample(int topK, double topP, double temperature, long seed) implements Decoding {
    public Sample {
      if (topK < 0) throw new IllegalArgumentException("top-k must be 0 (off) or positive, got " + topK);
      if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
      if (!(temperature > 0) || Double.isInfinite(temperature)) {
        throw new IllegalArgumentException("temperature must be positive, got " + temperature);
      }
    }
  }

  static Decoding greedy() {
    return new Greedy();
  }
}
