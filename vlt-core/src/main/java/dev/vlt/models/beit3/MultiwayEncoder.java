package dev.vlt.models.beit3;

import ai.djl.ndarray.NDArray;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.VitBlock;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.ModuleList;

/**
 * The stack of {@link MultiwayLayer}s under {@code layers.N} and the final shared {@code layer_norm}. An image-only input
 * takes the vision experts in every layer, a text-only input the language experts; an image-text pair takes the vision
 * and language experts by token in the layers below {@code firstVl} and the vision-language expert in the layers from it.
 */
final class MultiwayEncoder extends Module {
  /** What a sequence holds: decides the routing of every layer. */
  enum Input {
    IMAGE, TEXT, PAIR
  }

  private final ModuleList<MultiwayLayer> layers;
  private final LayerNorm norm;
  private final int firstVl;

  MultiwayEncoder(Beit3Config cfg) {
    layers = child("layers", new ModuleList<>());
    firstVl = cfg.firstVlLayer();
    for (int i = 0; i < cfg.layers(); i++) layers.add(new MultiwayLayer(cfg.width(), cfg.heads(), cfg.mlpRatio(), i >= firstVl));
    norm = child("layer_norm", new LayerNorm(cfg.width(), VitBlock.LAYER_NORM_EPS));
  }

  /**
   * x [B, N, W]: for a pair the {@code imageTokens} image tokens first, then the text; mask additive [B, 1, 1, N] or null
   * → [B, N, W] after the final LayerNorm.
   */
  NDArray forward(NDArray x, NDArray mask, Input input, int imageTokens) {
    int n = Math.toIntExact(x.getShape().get(1));
    int split = switch (input) {
      case IMAGE -> n;
      case TEXT -> 0;
      case PAIR -> imageTokens;
    };
    for (int i = 0; i < layers.size(); i++) {
      x = layers.get(i).forward(x, mask, new MultiwayLayer.Route(split, input == Input.PAIR && i >= firstVl));
    }
    return norm.forward(x);
  }
}
