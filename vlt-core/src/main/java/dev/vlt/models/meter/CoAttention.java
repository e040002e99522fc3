package dev.vlt.models.meter;

import ai.djl.ndarray.NDArray;
import dev.vlt.models.fusion.FusionConfig;
import dev.vlt.nn.PostNormCrossBlock;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.ModuleList;

/**
 * METER's co-attention (Dou et al. 2022, Fig. 2b; its released model): two streams of BERT cross layers,
 * {@code cross_modal_text_layers.N} and {@code cross_modal_image_layers.N}. In each layer every stream runs
 * self-attention → cross-attention to the other stream → FFN, and both read the other's output of the previous layer, so
 * the two are updated in parallel.
 */
public final class CoAttention extends Module implements Fusion {
  private final ModuleList<PostNormCrossBlock> textLayers;
  private final ModuleList<PostNormCrossBlock> imageLayers;

  public CoAttention(FusionConfig cfg) {
    int h = cfg.hiddenSize();
    imageLayers = child("cross_modal_image_layers", new ModuleList<>());
    textLayers = child("cross_modal_text_layers", new ModuleList<>());
    for (int i = 0; i < cfg.layers(); i++) {
      imageLayers.add(new PostNormCrossBlock(h, cfg.heads(), cfg.intermediateSize(), h, cfg.layerNormEps()));
      textLayers.add(new PostNormCrossBlock(h, cfg.heads(), cfg.intermediateSize(), h, cfg.layerNormEps()));
    }
  }

  @Override
  public Fused forward(NDArray text, NDArray textMask, NDArray image) {
    NDArray x = text;
    NDArray y = image;
    for (int i = 0; i < textLayers.size(); i++) {
      NDArray x1 = textLayers.get(i).forward(x, textMask, y, null);                 // text attends to every image token
      NDArray y1 = imageLayers.get(i).forward(y, null, x, textMask);                // image attends to the text's tokens
      x = x1;
      y = y1;
    }
    return new Fused(x, y);
  }

  public ModuleList<PostNormCrossBlock> textLayers() {
    return textLayers;
  }

  public ModuleList<PostNormCrossBlock> imageLayers() {
    return imageLayers;
  }
}
