package dev.vlt.models.flava;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.Linear;
import dev.vlt.nn.PreNormBlock;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.ModuleList;
import java.util.ArrayList;
import java.util.List;

/**
 * The transformer part every FLAVA encoder shares (torchmultimodal's {@code FLAVATransformerWithoutEmbeddings} body):
 * pre-norm layers {@code encoder.layer.N}, the final {@code layernorm}, and {@code pooler.dense} (tanh of a Linear on
 * token 0). Its owner registers it inline beside its embeddings, as torchmultimodal names them.
 */
final class FlavaEncoder extends Module {
  private final ModuleList<PreNormBlock> layers;
  private final LayerNorm layernorm;
  private final Linear pooler;

  FlavaEncoder(EncoderConfig cfg) {
    layers = child("encoder", new Nest<>("layer", new ModuleList<PreNormBlock>())).inner;
    for (int i = 0; i < cfg.layers(); i++) layers.add(new PreNormBlock(cfg.hidden(), cfg.heads(), cfg.intermediate(), cfg.layerNormEps()));
    layernorm = child("layernorm", new LayerNorm(cfg.hidden(), cfg.layerNormEps()));
    pooler = child("pooler", new Nest<>("dense", new Linear(cfg.hidden(), cfg.hidden()))).inner;
  }

  /** embeddings [B, L, W] (hidden_states.0), mask additive broadcastable to [B, heads, L, L] or null. */
  FlavaOutput forward(NDArray embeddings, NDArray mask) {
    List<NDArray> hidden = new ArrayList<>();
    NDArray x = embeddings;
    hidden.add(x);
    for (PreNormBlock layer : layers.items()) {
      x = layer.forward(x, mask);
      hidden.add(x);                                                              // before the final layernorm
    }
    NDArray last = layernorm.forward(x);
    NDArray pooled = pooler.forward(last.get(new NDIndex(":, 0"))).tanh();        // [B, W]
    return new FlavaOutput(last, pooled, List.copyOf(hidden));
  }
}
