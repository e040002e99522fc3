package dev.vlt.cli;

import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.tensor.Parameter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Print a model's architecture, parameter counts per tower, preprocessing and tokenizer.")
public final class InfoCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "A model folder or a registry architecture (e.g. ViT-B-32).")
  String model;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    threads.apply();
    try (LoadedModel lm = Models.resolve(model)) {
      ClipConfig c = lm.clip().config();
      long visual = 0;
      long text = 0;
      long other = 0;
      for (Map.Entry<String, Parameter> e : lm.clip().namedParameters().entrySet()) {
        if (e.getKey().startsWith("visual.")) visual += e.getValue().numel();
        else if (e.getKey().equals("logit_scale")) other += e.getValue().numel();
        else text += e.getValue().numel();
      }
      System.out.println("model:        " + (lm.folder() != null ? lm.folder() : lm.name() + " (registry, random weights)"));
      System.out.println("architecture: CLIP, embed_dim " + c.embedDim() + ", activation "
          + (c.quickGelu() ? "QuickGELU" : "GELU (exact)"));
      var v = c.vision();
      System.out.printf("vision:       ViT %dx%d px, patch %d (%dx%d grid), width %d, %d layers, %d heads, mlp %.1fx, pool %s%n",
          v.imageSize(), v.imageSize(), v.patchSize(), v.grid(), v.grid(), v.width(), v.layers(), v.heads(), v.mlpRatio(), v.pool());
      var t = c.text();
      System.out.printf("text:         causal transformer, context %d, vocab %d, width %d, %d layers, %d heads, pool %s%n",
          t.contextLength(), t.vocabSize(), t.width(), t.layers(), t.heads(), t.pool());
      System.out.printf("parameters:   %,d total (visual %,d, text %,d, logit_scale %,d)%n", visual + text + other, visual, text, other);
      PreprocessConfig p = lm.preprocess();
      System.out.printf("preprocess:   %d px, %s resize (%s), mean %s, std %s%n", p.imageSize(), p.interpolation(), p.resizeMode(),
          java.util.Arrays.toString(p.mean()), java.util.Arrays.toString(p.std()));
      System.out.println("tokenizer:    " + (t.hfTokenizerName() != null ? "Hugging Face " + t.hfTokenizerName()
          : "CLIP byte-level BPE (bpe_simple_vocab_16e6), context " + t.contextLength()));
      System.out.printf("logit scale:  %.4f (temperature %.4f)%n", Math.exp(lm.clip().logitScale().value().getFloat()),
          1 / Math.exp(lm.clip().logitScale().value().getFloat()));
    }
    return 0;
  }
}
