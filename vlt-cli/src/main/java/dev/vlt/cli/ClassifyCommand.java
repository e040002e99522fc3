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
        "Labels are encoded as given, or through a prompt template set (--templates) averaged per label as CLIP does.",
        "A model with a trained classification head (INDIGO) uses its head: the labels must be its classes (all, or some:",
        "its probabilities renormalised over those)."})
public final class ClassifyCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions;
  @Mixin ThreadsOption threads;

  @Option(names = "--labels", split = ",", paramLabel = "LABELS", description = "Comma-separated labels.")
  List<String> labels;

  @Option(names = "--queries", paramLabel = "FILE", description = {"JSON lines {\"image\": PATH, \"labels\": [...]}: each image"
      + " or video against its own labels (paths relative to the file). Instead of --labels and IMAGE arguments."})
  Path queries;

  @Option(names = "--templates", paramLabel = "NAME|FILE",
      description = "Prompt templates: a built-in set (photo, shapes, emoji) or a file with one '{}' template per line.")
  String templates;

  @Option(names = "--top", defaultValue = "5", description = "Labels shown per image without --json (default ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--json", description = "One JSON line per image with every label, most probable first.")
  boolean json;

  @Parameters(arity = "0..*", paramLabel = "IMAGE",
      description = "Image files; videos too (.gif, .mp4, a folder of frames) for a model with video capability.")
  List<Path> images;

  @Override
  public Integer call() throws Exception {
    threads.apply();
    List<Query> todo = queries != null ? readQueries() : fromArguments();
    try (Embedder e = modelOptions.open()) {
      dev.vlt.models.ImageClassifier head = headOf(e, todo, templates);
      List<Path> paths = new ArrayList<>();
      List<Embedder.Visual> visuals = new ArrayList<>();
      List<List<String>> labelsOf = new ArrayList<>();
      int failed = 0;
      for (Query q : todo) {
        Embedder.Visual v = Images.readVisual(q.path());
        if (v == null) {
          failed++;
          continue;
        }
        paths.add(q.path());
        visuals.add(v);
        labelsOf.add(q.labels());
      }
      if (visuals.isEmpty()) return 1;  // every file was skipped, each with its own line; nothing to classify
      if (head != null) {
        List<dev.vlt.data.image.Raster8> rasters = new ArrayList<>();
        for (int i = 0; i < visuals.size(); i++) {
          if (visuals.get(i).video() != null) throw new IllegalArgumentException(paths.get(i) + ": this model's head classifies images, not videos");
          rasters.add(visuals.get(i).image());
        }
        float[][] probs = e.classify(rasters);
        for (int i = 0; i < probs.length; i++) print(paths.get(i), labelsOf.get(i), headProbabilities(head, probs[i], labelsOf.get(i)));
        return failed == 0 ? 0 : 1;
      }
      float[][] img = e.embedVisuals(visuals);
      Map<List<String>, float[][]> classifiers = new LinkedHashMap<>();
      float scale = e.logitScale();
      for (int i = 0; i < img.length; i++) {
        List<String> names = labelsOf.get(i);
        float[][] classifier = classifiers.computeIfAbsent(names, n -> classifier(e, n));
        double[] p = dev.vlt.eval.Vectors.softmax(ZeroShot.logits(new float[][] {img[i]}, classifier, scale))[0];
        print(paths.get(i), names, p);
      }
      return failed == 0 ? 0 : 1;
    }
  }

  /**
   * A model with a classification head (INDIGO) classifies with it, not by comparing embeddings: labels must be the head's
   * own classes, all of them or some (then its probabilities are renormalised over those); any other label is refused.
   */
  private static dev.vlt.models.ImageClassifier headOf(Embedder e, List<Query> todo, String templates) {
    if (!e.model().has(dev.vlt.models.Capability.CLASSIFICATION)) return null;
    dev.vlt.models.ImageClassifier head = e.model().require(dev.vlt.models.Capability.CLASSIFICATION);
    if (templates != null) throw new IllegalArgumentException("--templates: this model classifies with a trained head over "
        + "fixed classes, not with prompts");
    for (Query q : todo) for (String l : q.labels()) classIndex(head, l);
    return head;
  }

  private static int classIndex(dev.vlt.models.ImageClassifier head, String label) {
    int k = head.classNames().indexOf(label);
    if (k < 0) {
      throw new IllegalArgumentException("label '" + label + "' is not one of this model's classes; its head classifies "
          + String.join(", ", head.classNames()) + " (give all of them, or some)");
    }
    return k;
  }

  /** The head's probabilities of {@code names}, renormalised over them. */
  private static double[] headProbabilities(dev.vlt.models.ImageClassifier head, float[] all, List<String> names) {
    double[] p = new double[names.size()];
    double sum = 0;
    for (int k = 0; k < p.length; k++) sum += p[k] = all[classIndex(head, names.get(k))];
    for (int k = 0; k < p.length; k++) p[k] = sum > 0 ? p[k] / sum : 1.0 / p.length;
    return p;
  }

  /** One image's line: its labels, most probable first. */
  private void print(Path imagePath, List<String> names, double[] p) {
    Integer[] order = new Integer[names.size()];
    for (int k = 0; k < order.length; k++) order[k] = k;
    Arrays.sort(order, Comparator.comparingDouble((Integer k) -> -p[k]).thenComparingInt(k -> k));
    String path = imagePath.toString();
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

  /** One input and the labels it is scored against. */
  private record Query(Path path, List<String> labels) {}

  private List<Query> fromArguments() {
    if (labels == null) throw new IllegalArgumentException("classify needs --labels and IMAGE files, or --queries FILE");
    if (images == null || images.isEmpty()) throw new IllegalArgumentException("classify needs at least one IMAGE file (or --queries FILE)");
    List<String> names = clean(labels, "--labels");
    return images.stream().map(p -> new Query(p, names)).toList();
  }

  private List<Query> readQueries() throws java.io.IOException {
    if (labels != null || (images != null && !images.isEmpty())) {
      throw new IllegalArgumentException("--queries FILE replaces --labels and IMAGE arguments; give one or the other");
    }
    if (!java.nio.file.Files.isRegularFile(queries)) throw new IllegalArgumentException("--queries " + queries + ": no such file");
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    Path base = queries.toAbsolutePath().getParent();
    List<Query> out = new ArrayList<>();
    List<String> lines = java.nio.file.Files.readAllLines(queries);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) continue;
      String where = queries + ":" + (i + 1);
      com.fasterxml.jackson.databind.JsonNode n;
      try {
        n = json.readTree(line);
      } catch (java.io.IOException ex) {
        throw new IllegalArgumentException(where + ": not a JSON object");
      }
      if (!n.isObject() || !n.path("image").isTextual() || !n.path("labels").isArray()) {
        throw new IllegalArgumentException(where + ": expected {\"image\": PATH, \"labels\": [LABEL, ...]}");
      }
      List<String> ls = new ArrayList<>();
      for (com.fasterxml.jackson.databind.JsonNode l : n.get("labels")) {
        if (!l.isTextual()) throw new IllegalArgumentException(where + ": labels must be strings, got " + l);
        ls.add(l.asText());
      }
      Path p = Path.of(n.get("image").asText());
      out.add(new Query(p.isAbsolute() ? p : base.resolve(p).normalize(), clean(ls, where + " labels")));
    }
    if (out.isEmpty()) throw new IllegalArgumentException("--queries " + queries + " has no queries");
    return out;
  }

  private static List<String> clean(List<String> raw, String what) {
    List<String> names = raw.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (names.isEmpty()) throw new IllegalArgumentException(what + " needs at least one non-empty label");
    return names;
  }

  private float[][] classifier(Embedder e, List<String> names) {
    if (templates == null) return e.embedTexts(names);
    List<String> t = Templates.load(templates);
    List<float[][]> perClass = new ArrayList<>();
    for (String name : names) perClass.add(e.embedTexts(Templates.fill(t, name)));
    return ZeroShot.classifier(perClass);
  }
}
