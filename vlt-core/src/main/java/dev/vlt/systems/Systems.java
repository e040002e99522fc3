package dev.vlt.systems;

import java.util.List;
import java.util.stream.Collectors;

/** The one table of {@code vlt quickstart --system} entries; each new system adds itself here. */
public final class Systems {
  private static final List<QuickstartSystem> ALL = List.of(
      new ContrastiveQuickstart("clip", "shapes-small",
          "a small CLIP (4+4 layers, width 128) trained contrastively on ShapesWorld; zero-shot on held-out colour×shape "
              + "combinations, retrieval and linear probes (and the real sets found: emoji, Fashion-MNIST, digits)"),
      new ContrastiveQuickstart("msclip", "msclip-shapes-small",
          "MS-CLIP at the same size, one transformer whose attention and MLP both modalities share (LayerNorms per "
              + "modality), trained and evaluated exactly as clip"),
      new CocaQuickstart(),
      new MeterQuickstart(),
      new PaclQuickstart(),

      new NlipQuickstart(),
      new UniclQuickstart(),
      new MaeQuickstart(),
      new VlcQuickstart(),
      new Beit3Quickstart(),
      new FlavaQuickstart(),
      new GroundingQuickstart("transvg", "transvg-small",
          "TransVG (ViT + BERT + a 2-layer fusion transformer with a [REG] token, the box centre around a reference point [REG] "
              + "picks among the patches, from scratch) trained to regress the referred box on ShapesWorld and emoji scenes; Acc@0.5 "
              + "on held-out scenes against the centre box", GroundingQuickstart.STEPS,
          GroundingQuickstart.BATCH, GroundingQuickstart.LR),
      new GroundingQuickstart("transvg++", "transvg++-small",
          "TransVG++ (a language-conditioned ViT: text cross-attention after blocks 1 and 3, [REG] among the ViT tokens, from "
              + "scratch) trained and evaluated exactly as transvg", GroundingQuickstart.STEPS, GroundingQuickstart.BATCH,
          GroundingQuickstart.LR),
      new GroundingQuickstart("simla", "simla-shapes-small",
          "SimLA (ALBEF's towers from scratch: contrastive + hard-negative matching, cross-modal reconstruction both ways "
              + "through one fusion, keyword prediction) trained on captions only, never boxes; grounds by Grad-CAM of the matching "
              + "score over fusion cross-attention, choosing among every patch-aligned rectangle (PatchBoxes); evaluated exactly as "
              + "transvg", "simla", GroundingQuickstart.DATA, 500, GroundingQuickstart.BATCH, 5e-4),
      new GroundingQuickstart("loupe", "loupe-shapes-small",
          "LOUPE (a CLIP with a mean-pooled image embedding whose patches are the players of its own image-phrase similarity; "
              + "the sampled Shapley interaction of candidate regions trains a region head and a neural module that predicts it) "
              + "trained from captions alone, grounding noun phrases zero-shot; Acc@0.5 on held-out scenes against the centre box",
          "loupe", GroundingQuickstart.DATA, LoupeSystem.STEPS, GroundingQuickstart.BATCH, LoupeSystem.LR,
          LoupeEvaluation::evaluate),

      new OmniVlQuickstart(),
      new IndigoQuickstart(),
      new MovQuickstart(),
      new InternVideoQuickstart());

  private Systems() {}

  public static List<QuickstartSystem> all() {
    return ALL;
  }

  public static QuickstartSystem get(String name) {
    for (QuickstartSystem s : ALL) if (s.name().equals(name)) return s;
    throw new IllegalArgumentException("unknown system '" + name + "'; vlt quickstart --list shows them: "
        + ALL.stream().map(QuickstartSystem::name).collect(Collectors.joining(", ")));
  }
}
