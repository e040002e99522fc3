package dev.vlt.models.msclip;

import dev.vlt.models.msclip.Sharing.SubLayer;
import dev.vlt.nn.Activation;
import dev.vlt.nn.Attention;
import dev.vlt.nn.LayerNorm;
import dev.vlt.nn.Mlp;
import dev.vlt.tensor.Module;
import java.util.Set;

/**
 * The sub-layers of one residual block that a single owner holds — the shared transformer, the image side or the text
 * side. Each is registered under open_clip's block names ({@code ln_1}, {@code attn}, {@code ln_2}, {@code mlp}) only if
 * owned, so each parameter has exactly one checkpoint key and one optimizer slot however the spectrum splits the block.
 */
final class PartialBlock extends Module {
  final LayerNorm ln1;
  final Attention attn;
  final LayerNorm ln2;
  final Mlp mlp;

  PartialBlock(int width, int heads, double mlpRatio, Activation act, Set<SubLayer> owned) {
    boolean norms = owned.contains(SubLayer.NORMS);
    ln1 = norms ? child("ln_1", new LayerNorm(width)) : null;
    attn = owned.contains(SubLayer.ATTENTION) ? child("attn", new Attention(width, heads)) : null;
    ln2 = norms ? child("ln_2", new LayerNorm(width)) : null;
    mlp = owned.contains(SubLayer.MLP) ? child("mlp", new Mlp(width, (int) (width * mlpRatio), act)) : null;
  }
}
