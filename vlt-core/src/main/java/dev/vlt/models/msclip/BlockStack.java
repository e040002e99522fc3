package dev.vlt.models.msclip;

import dev.vlt.models.msclip.Sharing.SubLayer;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.ModuleList;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.IntFunction;

/** The parts of every block one owner holds, as {@code resblocks.N}; a block part owned elsewhere is simply absent. */
final class BlockStack extends Module {
  private final ModuleList<PartialBlock> blocks;

  /** @param owned which sub-layers of block N this owner holds */
  BlockStack(MsClipConfig c, IntFunction<Set<SubLayer>> owned) {
    blocks = child("resblocks", new ModuleList<>());
    for (int i = 0; i < c.layers(); i++) blocks.add(new PartialBlock(c.width(), c.heads(), c.mlpRatio(), c.activation(), owned.apply(i)));
  }

  PartialBlock get(int layer) {
    return blocks.get(layer);
  }

  /** The sub-layers of block {@code layer} the sharing leaves to the shared transformer. */
  static EnumSet<SubLayer> shared(Sharing s, int layer) {
    EnumSet<SubLayer> out = EnumSet.noneOf(SubLayer.class);
    for (SubLayer p : SubLayer.values()) if (s.shares(layer, p)) out.add(p);
    return out;
  }

  /** The complement: what a modality runs through block {@code layer} must own itself. */
  static EnumSet<SubLayer> own(Sharing s, int layer) {
    return EnumSet.complementOf(shared(s, layer));
  }
}
