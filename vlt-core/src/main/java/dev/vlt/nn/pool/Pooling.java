package dev.vlt.nn.pool;

import ai.djl.ndarray.NDArray;
import dev.vlt.tensor.Module;
import java.util.List;

/**
 * How a ViT turns its token sequence into one image vector. Each kind is its own type because the choice changes the
 * module tree: GeM adds an exponent, GGeM one exponent per head group, attentional pooling a query and an attention.
 * Every implementation is a {@link Module}; its owner registers it as the child {@code pool} (parameter-free kinds add no
 * checkpoint keys, so a class-token CLIP keeps open_clip's key set).
 *
 * <p>Input convention: {@code tokens} [B, 1 + N, W] after the tower's final LayerNorm, token 0 the class token and
 * tokens 1..N the patches. Output: [B, W].
 */
public sealed interface Pooling permits ClassToken, MeanTokens, GeM, GroupGeM, Attentional {
  /** The names {@link #create} accepts, as written in configs. */
  List<String> TYPES = List.of(ClassToken.TYPE, MeanTokens.TYPE, GeM.TYPE, GroupGeM.TYPE, Attentional.TYPE);

  /** tokens [B, 1 + N, W] → pooled [B, W]. */
  NDArray forward(NDArray tokens);

  /** The config name of this kind ("tok", "avg", "gem", "ggem", "attn"). */
  String type();

  /** This pooling as the module it is (every permitted kind extends {@link Module}). */
  default Module asModule() {
    return (Module) this;
  }

  /**
   * A fresh pooling of the named kind for tokens of width {@code width} in a tower with {@code heads} attention heads:
   * GGeM groups channels by head, attentional pooling attends with that many heads.
   */
  static Pooling create(String type, int width, int heads) {
    return switch (type) {
      case ClassToken.TYPE -> new ClassToken();
      case MeanTokens.TYPE -> new MeanTokens();
      case GeM.TYPE -> new GeM(GeM.DEFAULT_P, GeM.DEFAULT_EPS);
      case GroupGeM.TYPE -> new GroupGeM(width, heads, GeM.DEFAULT_P, GeM.DEFAULT_EPS);
      case Attentional.TYPE -> new Attentional(width, heads);
      default -> throw new IllegalArgumentException("unknown pooling '" + type + "'; known: " + String.join(", ", TYPES));
    };
  }
}
