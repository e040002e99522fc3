package dev.vlt.models.coca;

import static dev.vlt.models.ConfigReader.error;

/**
 * The attentional pooler on CoCa's image tokens ({@code vision_cfg.attn_pooler_queries} / {@code attn_pooler_heads}):
 * query 0 becomes the contrastive image latent, queries 1.. the image tokens the decoder attends to.
 */
public record PoolerConfig(int queries, int heads) {
  public static final int DEFAULT_QUERIES = 256;
  public static final int DEFAULT_HEADS = 8;

  public PoolerConfig {
    if (queries < 2) {
      throw error("vision_cfg.attn_pooler_queries", "must be at least 2 (one contrastive query and one for the decoder), got " + queries);
    }
    if (heads <= 0) throw error("vision_cfg.attn_pooler_heads", "must be positive, got " + heads);
  }
}
