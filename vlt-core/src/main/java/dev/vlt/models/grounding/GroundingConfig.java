package dev.vlt.models.grounding;

import dev.vlt.models.ModelConfig;
import dev.vlt.tokenize.TokenizerSpec;

/** A grounding model's config: its image size and tokenizer come from its {@link GroundingTowers}. */
public interface GroundingConfig extends ModelConfig {
  GroundingTowers towers();

  @Override
  default int imageSize() {
    return towers().vision().imageSize();
  }

  @Override
  default TokenizerSpec tokenizerSpec() {
    return towers().tokenizerSpec();
  }
}
