package dev.vlt.models.fusion;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.PostNormCrossBlock;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.ModuleList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Text-side cross-attention fusion (ALBEF, Li et al. 2021; torchmultimodal's ALBEFMultimodalEncoder): the text tokens go
 * through {@code layer.N}, each self-attention → cross-attention to the image tokens → FFN (post-norm), while the image
 * tokens are only read. Its output is the fused text sequence; [CLS] feeds matching heads. With a causal self-attention mask
 * the same stack is ALBEF's answer decoder. (METER's co-attention updates both streams; merged attention runs one
 * transformer over both sequences.)
 */
public final class CrossAttentionFusion extends Module {
  private final FusionConfig cfg;
  private final ModuleList<PostNormCrossBlock> layers;

  /** @param imageWidth the width of the attended image tokens */
  public CrossAttentionFusion(FusionConfig cfg, int imageWidth) {
    this.cfg = cfg;
    layers = child("layer", new ModuleList<>());
    for (int i = 0; i < cfg.layers(); i++) {
      layers.add(new PostNormCrossBlock(cfg.hiddenSize(), cfg.heads(), cfg.intermediateSize(), imageWidth, cfg.layerNormEps()));
    }
  }

  /**
   * text [B, L, H] attending to image [B, S, Wi]. Masks are additive: {@code textMask} broadcastable to [B, heads, L, L]
   * (key padding [B, 1, 1, L], or causal × padding [B, 1, L, L] in a decoder), {@code imageMask} to [B, heads, L, S] or
   * null (every image token visible) → fused text [B, L, H].
   */
  public NDArray forward(NDArray text, NDArray textMask, NDArray image, NDArray imageMask) {
    NDArray x = text;
    for (PostNormCrossBlock layer : layers.items()) x = layer.forward(x, textMask, image, imageMask);
    return x;
  }

  /**
   * {@link #forward} with the attention maps of layer {@code at} passed through hooks (see
   * {@link PostNormCrossBlock#forward(NDArray, NDArray, NDArray, NDArray, UnaryOperator, UnaryOperator)}): SimLA reads the
   * last layer's [CLS] self-attention for its keywords and replaces a layer's cross-attention by a leaf for Grad-CAM.
   */
  public NDArray forward(NDArray text, NDArray textMask, NDArray image, NDArray imageMask, int at,
      UnaryOperator<NDArray> selfWeights, UnaryOperator<NDArray> crossWeights) {
    if (at < 0 || at >= cfg.layers()) throw new IllegalArgumentException("layer " + at + " of a " + cfg.layers() + "-layer fusion");
    NDArray x = text;
    List<PostNormCrossBlock> all = layers.items();
    for (int i = 0; i < all.size(); i++) {
      x = i == at ? all.get(i).forward(x, textMask, image, imageMask, selfWeights, crossWeights)
          : all.get(i).forward(x, textMask, image, imageMask);
    }
    return x;
  }

  /** The layers {@code layer.N}, for inspection (the inter-modality flow). */
  public List<PostNormCrossBlock> layers() {
    return layers.items();
  }

  public FusionConfig config() {
    return cfg;
  }
}
