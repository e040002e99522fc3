package dev.vlt.models.msclip;

import static dev.vlt.models.ConfigReader.error;

import java.util.List;
import java.util.TreeSet;

/**
 * Where a model sits on MS-CLIP's sharing spectrum: which transformer layers are shared by image and text, and within a
 * shared layer which sub-layers are. Nothing shared is vanilla CLIP (two towers); every layer with attention, MLP and
 * norms shared is one fully shared transformer. MS-CLIP's best setting shares attention and MLP and keeps the LayerNorms
 * modality-specific (You et al. 2022, the "modality-specific LN" ablation).
 *
 * @param layers indices of the shared layers, ascending, no repeats
 * @param attention whether a shared layer's self-attention (in-projection and out-projection) is shared
 * @param mlp whether a shared layer's feed-forward is shared
 * @param norms whether a shared layer's two LayerNorms (ln_1, ln_2) are shared
 */
public record Sharing(List<Integer> layers, boolean attention, boolean mlp, boolean norms) {
  /** The LayerNorms, attention and MLP of a residual block: the units the spectrum shares or separates. */
  public enum SubLayer { NORMS, ATTENTION, MLP }

  public Sharing {
    layers = List.copyOf(layers);
    if (!new TreeSet<>(layers).stream().toList().equals(layers)) {
      throw error("msclip_cfg.shared_layers", "must be ascending without repeats, got " + layers);
    }
  }

  /** Vanilla CLIP: nothing shared. */
  public static final Sharing NONE = new Sharing(List.of(), false, false, false);

  /** MS-CLIP's default: layers {@code from..layers-1} share attention and MLP, LayerNorms stay per modality. */
  public static Sharing msClip(int from, int layers) {
    return new Sharing(range(from, layers), true, true, false);
  }

  /** Everything in every layer shared. */
  public static Sharing full(int layers) {
    return new Sharing(range(0, layers), true, true, true);
  }

  public boolean shares(int layer, SubLayer part) {
    if (!layers.contains(layer)) return false;
    return switch (part) {
      case NORMS -> norms;
      case ATTENTION -> attention;
      case MLP -> mlp;
    };
  }

  /** True when no sub-layer of any layer is shared (the vanilla CLIP end of the spectrum). */
  public boolean isNone() {
    return layers.isEmpty() || !attention && !mlp && !norms;
  }

  static List<Integer> range(int from, int to) {
    return java.util.stream.IntStream.range(from, to).boxed().toList();
  }
}
