package dev.vlt.nn.pool;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Trace;
import java.util.List;

/**
 * How a ViT turns its token sequence into one image vector. Each kind is its own type because the choice changes the
 * module tree: GeM adds an exponent, GGeM one exponent per head group, attentional pooling a query and an attention.
 * Every implementation is a {@link Module}; its owner registers it as the child {@code pool} (parameter-free kinds add no
 * checkpoint keys, so a class-token CLIP keeps open_clip's key set); timm's ViT registers {@link LatentAttention} as
 * {@code attn_pool}.
 *
 * <p>Input convention: {@code tokens} [B, 1 + N, W] after the tower's final LayerNorm, token 0 the class token and
 * tokens 1..N the patches. Output: [B, W]. Exceptions: {@link MeanTokens} takes its prefix count (timm's avg pool runs
 * before its norm), and {@link LatentAttention} attends over whatever tokens it is given, so it also serves a ViT with
 * no class token.
 */
public sealed interface Pooling permits ClassToken, MeanTokens, GeM, GroupGeM, Attentional, LatentAttention {
  /** The names {@link #create} accepts, as written in configs. */
  List<String> TYPES = List.of(ClassToken.TYPE, MeanTokens.TYPE, GeM.TYPE, GroupGeM.TYPE, Attentional.TYPE,
      LatentAttention.TYPE);

  /** tokens [B, 1 + N, W] → pooled [B, W]. */
  NDArray forward(NDArray tokens);

  /** As {@link #forward(NDArray)}, giving {@code trace} the pooling's own intermediates where it has any. */
  default NDArray forward(NDArray tokens, Trace trace) {
    return forward(tokens);
  }

  /** The config name of this kind ("tok", "avg", "gem", "ggem", "attn", "map"). */
  String type();

  /** This pooling as the module it is (every permitted kind extends {@link Module}). */
  default Module asModule() {
    return (Module) this;
  }

  /**
   * A fresh pooling of the named kind for tokens of width {@code width} in a tower with {@code heads} attention heads:
   * GGeM groups channels by head, attentional and latent-attention pooling attend with that many heads (the latter with
   * timm's MLP ratio 4).
   */
  static Pooling create(String type, int width, int heads) {
    return switch (type) {
      case ClassToken.TYPE -> new ClassToken();
      case MeanTokens.TYPE -> new MeanTokens();
      case GeM.TYPE -> new GeM(GeM.DEFAULT_P, GeM.DEFAULT_EPS);
      case GroupGeM.TYPE -> new GroupGeM(width, heads, GeM.DEFAULT_P, GeM.DEFAULT_EPS);
      case Attentional.TYPE -> new Attentional(width, heads);
      case LatentAttention.TYPE -> new LatentAttention(width, heads, 4.0);
      default -> throw new IllegalArgumentException("unknown pooling '" + type + "'; known: " + String.join(", ", TYPES));
    };
  }
}
