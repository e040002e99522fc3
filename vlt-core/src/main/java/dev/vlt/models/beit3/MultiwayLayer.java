package dev.vlt.models.beit3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.vlt.nn.Activation;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.Mlp;
import dev.vlt.nn.QkvAttention;
import dev.vlt.nn.VitBlock;
import dev.vlt.tensor.Module;

/**
 * One Multiway transformer layer as BEiT-3's paper draws it (§2.1, after VLMo's MoME): a self-attention module every token
 * shares, then a pool of FFN experts from which each token takes the one of its modality — {@code ffn.A} the vision
 * expert (V-FFN), {@code ffn.B} the language expert (L-FFN) and, in the top layers only, {@code ffn.C} the
 * vision-language expert (VL-FFN), which every token of an image-text pair takes. Pre-norm: the attention's LayerNorm
 * {@code self_attn_layer_norm} is shared, each expert has its own ({@code ffn.X.layer_norm}, as VLMo's per-expert norm2).
 *
 * <p>The released BEiT-3 code (torchscale's {@code MultiwayWrapper}) differs: it has no VL expert, splits the attention's
 * projections and both LayerNorms per modality as well, and routes only by position. This follows the paper.
 *
 * <p>Keys: {@code self_attn_layer_norm}, {@code self_attn.qkv} (BEiT's q and v biases {@code q_bias}, {@code v_bias}),
 * {@code self_attn.proj}, {@code ffn.{A,B[,C]}.{layer_norm, fc1, fc2}}.
 */
final class MultiwayLayer extends Module {
  /** A token sequence's routing: how many leading tokens are image tokens, and whether this layer mixes a pair. */
  record Route(int imageTokens, boolean visionLanguage) {}

  private final LayerNorm attnNorm;
  private final QkvAttention attn;
  private final Expert vision;
  private final Expert language;
  private final Expert visionLanguage;

  MultiwayLayer(int width, int heads, double mlpRatio, boolean withVisionLanguage) {
    attnNorm = child("self_attn_layer_norm", new LayerNorm(width, VitBlock.LAYER_NORM_EPS));
    attn = child("self_attn", QkvAttention.timm(width, heads, QkvAttention.Bias.QV));
    Experts ffn = child("ffn", new Experts());
    int hidden = (int) (width * mlpRatio);
    vision = ffn.add("A", new Expert(width, hidden));
    language = ffn.add("B", new Expert(width, hidden));
    visionLanguage = withVisionLanguage ? ffn.add("C", new Expert(width, hidden)) : null;
  }

  boolean hasVisionLanguage() {
    return visionLanguage != null;
  }

  /**
   * x [B, N, W], image tokens first, then text tokens; mask additive [B, 1, 1, N] or null → [B, N, W]. With
   * {@code route.visionLanguage()} every token goes through the VL expert (the layer must have one); otherwise the first
   * {@code route.imageTokens()} through the vision expert and the rest through the language expert.
   */
  NDArray forward(NDArray x, NDArray mask, Route route) {
    x = x.add(attn.forward(attnNorm.forward(x), mask));
    long n = x.getShape().get(1);
    NDArray y;
    if (route.visionLanguage()) {
      if (visionLanguage == null) throw new IllegalStateException("this layer has no vision-language expert");
      y = visionLanguage.forward(x);
    } else if (route.imageTokens() == n) {
      y = vision.forward(x);
    } else if (route.imageTokens() == 0) {
      y = language.forward(x);
    } else {
      NDArray image = vision.forward(x.get(new NDIndex(":, :{}", route.imageTokens())));      // [B, I, W]
      NDArray text = language.forward(x.get(new NDIndex(":, {}:", route.imageTokens())));     // [B, N − I, W]
      y = NDArrays.concat(new NDList(image, text), 1);
    }
    return x.add(y);
  }

  /** An FFN expert: fc2(GELU(fc1(LN(x)))), keys {@code layer_norm}, {@code fc1} [hidden, W], {@code fc2} [W, hidden]. */
  static final class Expert extends Module {
    private final LayerNorm norm;
    private final Mlp mlp;

    Expert(int width, int hidden) {
      norm = child("layer_norm", new LayerNorm(width, VitBlock.LAYER_NORM_EPS));
      mlp = inline(Mlp.timm(width, hidden, Activation.GELU));
    }

    NDArray forward(NDArray x) {
      return mlp.forward(norm.forward(x));
    }
  }

  /** The expert pool, its children named A, B, C as torchscale names a Multiway module's branches. */
  private static final class Experts extends Module {
    <M extends Module> M add(String name, M m) {
      return child(name, m);
    }
  }
}
