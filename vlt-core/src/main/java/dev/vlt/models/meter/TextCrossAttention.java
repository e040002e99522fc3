package dev.vlt.models.meter;

import ai.djl.ndarray.NDArray;
import dev.vlt.models.fusion.CrossAttentionFusion;
import dev.vlt.models.fusion.FusionConfig;
import dev.vlt.tensor.Module;

/**
 * ALBEF's text-side cross-attention as a METER fusion kind: ALBEF's multimodal encoder ({@link CrossAttentionFusion},
 * under {@code cross_modal_text_layers}) updates the text stream with self-attention → cross-attention to the image →
 * FFN, and the image tokens pass through unchanged (only read). It is co-attention without the image stream.
 */
public final class TextCrossAttention extends Module implements Fusion {
  private final CrossAttentionFusion textLayers;

  public TextCrossAttention(FusionConfig cfg) {
    textLayers = child("cross_modal_text_layers", new CrossAttentionFusion(cfg, cfg.hiddenSize()));
  }

  @Override
  public Fused forward(NDArray text, NDArray textMask, NDArray image) {
    return new Fused(textLayers.forward(text, textMask, image, null), image);
  }

  public CrossAttentionFusion textLayers() {
    return textLayers;
  }
}
