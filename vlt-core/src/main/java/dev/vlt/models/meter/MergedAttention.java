package dev.vlt.models.meter;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.vlt.models.fusion.FusionConfig;
import dev.vlt.nn.PostNormBlock;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.ModuleList;

/**
 * METER's merged attention (Dou et al. 2022, Fig. 2a; the single-stream design of UNITER, ViLT and visual parsing): the
 * text and image sequences are concatenated and one stack of BERT layers {@code cross_modal_layers.N} runs over both, so
 * every layer's self-attention mixes within and across modalities at once. METER's release has only co-attention; this
 * follows the paper's description, with the layers of its co-attention minus the cross-attention.
 */
public final class MergedAttention extends Module implements Fusion {
  private final ModuleList<PostNormBlock> layers;

  public MergedAttention(FusionConfig cfg) {
    layers = child("cross_modal_layers", new ModuleList<>());
    for (int i = 0; i < cfg.layers(); i++) {
      layers.add(new PostNormBlock(cfg.hiddenSize(), cfg.heads(), cfg.intermediateSize(), cfg.layerNormEps()));
    }
  }

  @Override
  public Fused forward(NDArray text, NDArray textMask, NDArray image) {
    long l = text.getShape().get(1);
    NDArray x = NDArrays.concat(new NDList(text, image), 1);                         // [B, L+N, H]
    NDArray mask = jointMask(textMask, image);                                        // [B, 1, 1, L+N]
    for (PostNormBlock layer : layers.items()) x = layer.forward(x, mask);
    return new Fused(x.get(new NDIndex(":, :{}", l)), x.get(new NDIndex(":, {}:", l)));
  }

  /** The text's key padding mask [B, 1, 1, L] extended over the image tokens, all visible → [B, 1, 1, L+N]. */
  static NDArray jointMask(NDArray textMask, NDArray image) {
    Shape s = image.getShape();
    NDArray visible = textMask.getManager().zeros(new Shape(s.get(0), 1, 1, s.get(1)), textMask.getDataType());
    return NDArrays.concat(new NDList(textMask, visible), 3);
  }

  public ModuleList<PostNormBlock> layers() {
    return layers;
  }
}
