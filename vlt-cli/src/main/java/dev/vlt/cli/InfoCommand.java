package dev.vlt.cli;

import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.models.Capability;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.ParameterBreakdown;
import dev.vlt.tensor.Parameter;
import dev.vlt.tokenize.TokenizerSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "info", mixinStandardHelpOptions = true,
    description = {"Print a model's architecture, what it can do (capabilities) and train on (tasks), parameter counts",
        "(per tower; for MS-CLIP also what both modalities share; for Multiway models shared and per expert),",
        "preprocessing and tokenizer."})
public final class InfoCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL", description = "A model folder of any architecture, or a registry name (e.g. ViT-B-32, coca-shapes-small).")
  String model;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    threads.apply();
    try (LoadedModel lm = Models.resolve(model)) {
      System.out.println("model:        " + (lm.folder() != null ? lm.folder() : lm.name() + " (registry, random weights)"));
      List<String> summary = lm.config().summary();
      System.out.println("architecture: " + summary.get(0));
      for (String line : summary.subList(1, summary.size())) {
        int colon = line.indexOf(": ");
        System.out.printf("%-14s%s%n", line.substring(0, colon + 1), line.substring(colon + 2));
      }
      System.out.println("capabilities: " + lm.capabilities().stream().map(Capability::name).collect(Collectors.joining(", ")));
      System.out.println("tasks:        " + String.join(", ", lm.architecture().tasks()) + " (vlt train --task; the first is the default)");
      System.out.println("parameters:   " + parameters(lm));
      PreprocessConfig pre = lm.preprocess();
      System.out.printf("preprocess:   %d px, %s resize (%s), mean %s, std %s%n", pre.imageSize(), pre.interpolation(),
          pre.resizeMode(), Arrays.toString(pre.mean()), Arrays.toString(pre.std()));
      TokenizerSpec tok = lm.config().tokenizerSpec();
      System.out.println("tokenizer:    " + (tok == null ? "none (the model reads no text)" : tok.hfTokenizerName() != null ? "Hugging Face " + tok.hfTokenizerName()
          : "byte-level BPE (CLIP's bpe_simple_vocab_16e6, or the folder's own tokenizer files), context " + tok.contextLength()
              + ", vocab " + tok.vocabSize()));
      if (lm.has(Capability.IMAGE_TEXT_SIMILARITY)) {
        ContrastiveModel c = lm.require(Capability.IMAGE_TEXT_SIMILARITY);
        float scale = c.logitScale().value().getFloat();
        System.out.printf("logit scale:  %.4f (temperature %.4f)%n", Math.exp(scale), 1 / Math.exp(scale));
      }
    }
    return 0;
  }

  /**
   * "N total (visual …, text …)" from the checkpoint names: {@code visual.} is the image tower, {@code shared.} what both
   * modalities use (MS-CLIP), {@code text_decoder.} a captioning decoder, the temperature and bias apart, the rest text;
   * a model that breaks its parameters down itself (a Multiway model: shared and per expert) is printed its way.
   */
  static String parameters(LoadedModel lm) {
    if (lm.module() instanceof ParameterBreakdown b) {
      long total = lm.module().namedParameters().values().stream().mapToLong(Parameter::numel).sum();
      return String.format("%,d total (%s)", total, b.parameterBreakdown().stream()
          .map(p -> String.format("%s %,d", p.name(), p.count())).collect(Collectors.joining(", ")));
    }
    Map<String, Long> parts = new LinkedHashMap<>();
    for (String k : List.of("shared", "visual", "text", "text_decoder", "logit_scale")) parts.put(k, 0L);
    long total = 0;
    for (Map.Entry<String, Parameter> e : lm.module().namedParameters().entrySet()) {
      String n = e.getKey();
      long count = e.getValue().numel();
      total += count;
      String part = n.startsWith("shared.") ? "shared" : n.startsWith("visual.") ? "visual" : n.startsWith("text_decoder.") ? "text_decoder"
          : n.equals("logit_scale") || n.equals("logit_bias") ? "logit_scale" : "text";
      parts.merge(part, count, Long::sum);
    }
    if (lm.config().tokenizerSpec() == null) return String.format("%,d total (images only)", total);
    String body;
    if (parts.get("shared") > 0) {
      body = String.format("shared by image and text %,d, image-only %,d, text-only %,d", parts.get("shared"), parts.get("visual"),
          parts.get("text"));
    } else {
      body = String.format("visual %,d, text %,d", parts.get("visual"), parts.get("text"));
    }
    if (parts.get("text_decoder") > 0) body += String.format(", text decoder %,d", parts.get("text_decoder"));
    return String.format("%,d total (%s, logit_scale %,d)", total, body, parts.get("logit_scale"));
  }
}
