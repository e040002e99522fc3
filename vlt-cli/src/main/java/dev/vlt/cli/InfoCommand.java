package dev.vlt.cli;

import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.models.msclip.MsClipConfig;
import dev.vlt.models.msclip.ParameterSplit;
import dev.vlt.models.msclip.Sharing;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "info", mixinStandardHelpOptions = true,
    description = {"Print a model's architecture, parameter counts (per tower; for MS-CLIP also what both modalities",
        "share), preprocessing and tokenizer."})
public final class InfoCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "A model folder (CLIP or MS-CLIP) or a registry architecture (e.g. ViT-B-32).")
  String model;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    threads.apply();
    try (LoadedModel lm = Models.resolve(model)) {
      System.out.println("model:        " + (lm.folder() != null ? lm.folder() : lm.name() + " (registry, random weights)"));
      if (lm.model() instanceof dev.vlt.models.clip.Clip) printClip(lm.clip().config());
      else printMsClip(lm.msclip().config());
      ParameterSplit p = ParameterSplit.of(lm.module());
      if (p.shared() == 0) {
        System.out.printf("parameters:   %,d total (visual %,d, text %,d, logit_scale %,d)%n", p.total(), p.image(), p.text(), p.other());
      } else {
        System.out.printf("parameters:   %,d total (shared by image and text %,d, image-only %,d, text-only %,d, logit_scale %,d)%n",
            p.total(), p.shared(), p.image(), p.text(), p.other());
      }
      PreprocessConfig pre = lm.preprocess();
      System.out.printf("preprocess:   %d px, %s resize (%s), mean %s, std %s%n", pre.imageSize(), pre.interpolation(),
          pre.resizeMode(), Arrays.toString(pre.mean()), Arrays.toString(pre.std()));
      String hf = lm.model() instanceof dev.vlt.models.clip.Clip ? lm.clip().config().text().hfTokenizerName() : null;
      System.out.println("tokenizer:    " + (hf != null ? "Hugging Face " + hf
          : "CLIP byte-level BPE (bpe_simple_vocab_16e6, or the folder's own tokenizer files), context " + lm.model().contextLength()));
      float scale = lm.model().logitScale().value().getFloat();
      System.out.printf("logit scale:  %.4f (temperature %.4f)%n", Math.exp(scale), 1 / Math.exp(scale));
    }
    return 0;
  }

  private static void printClip(ClipConfig c) {
    System.out.println("architecture: CLIP, embed_dim " + c.embedDim() + ", activation " + (c.quickGelu() ? "QuickGELU" : "GELU (exact)"));
    var v = c.vision();
    System.out.printf("vision:       ViT %dx%d px, patch %d (%dx%d grid), width %d, %d layers, %d heads, mlp %.1fx, pool %s%n",
        v.imageSize(), v.imageSize(), v.patchSize(), v.grid(), v.grid(), v.width(), v.layers(), v.heads(), v.mlpRatio(), v.pool());
    var t = c.text();
    System.out.printf("text:         causal transformer, context %d, vocab %d, width %d, %d layers, %d heads, pool %s%n",
        t.contextLength(), t.vocabSize(), t.width(), t.layers(), t.heads(), t.pool());
  }

  private static void printMsClip(MsClipConfig c) {
    System.out.println("architecture: MS-CLIP, embed_dim " + c.embedDim() + ", activation " + (c.quickGelu() ? "QuickGELU" : "GELU (exact)"));
    System.out.printf("transformer:  %d layers, width %d, %d heads, mlp %.1fx; images %dx%d px in patches of %d, pool %s; text context %d, vocab %d%n",
        c.layers(), c.width(), c.heads(), c.mlpRatio(), c.imageSize(), c.imageSize(), c.patchSize(), c.pool(),
        c.contextLength(), c.vocabSize());
    Sharing s = c.sharing();
    String what = (s.attention() ? "attention " : "") + (s.mlp() ? "MLP " : "") + (s.norms() ? "LayerNorms " : "");
    System.out.println("sharing:      " + (s.layers().isEmpty() ? "none (two separate towers, as CLIP)"
        : "layers " + s.layers() + " share " + what.trim().replace(" ", ", ")));
    System.out.println("modules:      early specialization " + (c.earlySpecialization() ? "yes" : "no")
        + ", parallel branch " + (c.parallelLayers().isEmpty() ? "no" : "into layers " + c.parallelLayers()));
  }
}
