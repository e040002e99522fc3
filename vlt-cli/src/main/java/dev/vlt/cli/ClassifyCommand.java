package dev.vlt.cli;

import dev.vlt.data.Templates;
import dev.vlt.eval.ZeroShot;
import dev.vlt.infer.Embedder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "classify", mixinStandardHelpOptions = true,
    description = {"Zero-shot classification: each image's probability for each label, softmax(exp(logit_scale) · image · label).",
        "Labels are encoded as given, or through a prompt template set (--templates) averaged per label as CLIP does."})
public final class ClassifyCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions;
  @Mixin ThreadsOption threads;

  @Option(names = "--labels", required = true, split = ",", paramLabel = "LABELS", description = "Comma-separated labels.")
  List<String> labels;

  @Option(names = "--templates", paramLabel = "NAME|FILE",
      description = "Prompt templates: a built-in set (photo, shapes, emoji) or a file with one '{}' template per line.")
  String templates;

  @Option(names = "--top", defaultValue = "5", description = "Labels shown per image without --json (default ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--json", description = "One JSON line per image with every label, most probable first.")
  boolean json;

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files.")
  List<Path> images;

  @Override
  public Integer call() throws Exception {
    threads.apply();
    List<String> names = labels.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (names.isEmpty()) throw new IllegalArgumentException("--labels needs at least one non-empty label");
    try (Embedder e = modelOptions.open()) {
      float[][] classifier;
      if (templates == null) {
        classifier = e.embedTexts(names);
      } else {
        List<String> t = Templates.load(templates);
        List<float[][]> perClass = new ArrayList<>();
        for (String name : names) perClass.add(e.embedTexts(Templates.fill(t, name)));
        classifier = ZeroShot.classifier(perClass);
      }
      Images.Loaded loaded = Images.read(images);
      if (loaded.images().isEmpty()) return 1;  // every file was skipped, each with its own line; nothing to classify
      float[][] img = e.embedImages(loaded.images());
      double[][] probs = dev.vlt.eval.Vectors.softmax(ZeroShot.logits(img, classifier, e.logitScale()));
      for (int i = 0; i < img.length; i++) {
        Integer[] order = new Integer[names.size()];
        for (int k = 0; k < order.length; k++) order[k] = k;
        double[] p = probs[i];
        Arrays.sort(order, Comparator.comparingDouble((Integer k) -> -p[k]).thenComparingInt(k -> k));
        String path = loaded.paths().get(i).toString();
        if (json) {
          List<Map<String, Object>> ls = new ArrayList<>();
          for (int k : order) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("label", names.get(k));
            entry.put("prob", p[k]);
            ls.add(entry);
          }
          Map<String, Object> line = new LinkedHashMap<>();
          line.put("image", path);
          line.put("labels", ls);
          JsonLines.print(line);
        } else {
          StringBuilder sb = new StringBuilder(path).append(':');
          for (int k = 0; k < Math.min(top, order.length); k++) {
            sb.append(String.format("  %s %.3f", names.get(order[k]), p[order[k]]));
          }
          System.out.println(sb);
        }
      }
      return loaded.failed() == 0 ? 0 : 1;
    }
  }
}
