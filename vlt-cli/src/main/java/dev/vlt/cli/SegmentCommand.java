package dev.vlt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vlt.data.image.Raster8;
import dev.vlt.infer.LabelMap;
import dev.vlt.infer.Segmenter;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vlt segment}: open-vocabulary segmentation, a label map per image in the image's own pixels. */
@Command(name = "segment", mixinStandardHelpOptions = true,
    description = {"Label every pixel of each IMAGE with the label text its patch matches best (models with the segmentation",
        "capability: PACL, or a CLIP through its patch tokens). Writes OUT/<image name>.png, a grey label map the size of the",
        "image (value = label index + 1, 0 = background), and OUT/<image name>.overlay.png; prints one JSON line per image,",
        "in input order, with each label's pixel fraction. --queries FILE segments many images, each with its own labels."})
public final class SegmentCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions;
  @Mixin ThreadsOption threads;

  @Option(names = "--labels", split = ",", paramLabel = "LABELS", description = "Comma-separated labels for every IMAGE.")
  List<String> labels;

  @Option(names = "--queries", paramLabel = "FILE",
      description = "JSON lines {\"image\": PATH, \"labels\": [...]}, paths relative to the file; instead of --labels and IMAGE.")
  Path queries;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the label maps and overlays.")
  Path out;

  @Option(names = "--threshold", paramLabel = "T",
      description = "Patch-text cosine, above the label's mean over the image, below which a pixel is background (default: the model's own, chosen on validation data; none for a model without one).")
  Double threshold;

  @Parameters(arity = "0..*", paramLabel = "IMAGE", description = "Image files.")
  List<Path> images = new ArrayList<>();

  /** One image and its labels, in input order. */
  record Query(Path image, List<String> labels) {}

  @Override
  public Integer call() throws IOException {
    List<Query> all = queries();
    threads.apply();
    Files.createDirectories(out);
    int failed = 0;
    try (LoadedModel lm = Models.resolve(modelOptions.model, modelOptions.tokenizer)) {
      double t = threshold != null ? threshold : lm.require(Capability.SEGMENTATION).backgroundThreshold();
      Segmenter segmenter = new Segmenter(lm, 1);
      Map<List<String>, float[][]> embedded = new HashMap<>();
      Set<String> used = new HashSet<>();
      for (Query q : all) {
        Images.Loaded loaded = Images.read(List.of(q.image()));
        if (loaded.images().isEmpty()) {
          failed++;
          continue;
        }
        Raster8 image = loaded.images().get(0);
        LabelMap map = segmenter.segment(image, embedded.computeIfAbsent(q.labels(), segmenter::embedLabels), t);
        String stem = uniqueStem(q.image(), used);
        if (out.resolve(stem + ".png").toAbsolutePath().normalize().equals(q.image().toAbsolutePath().normalize())) {
          stem = uniqueStem(Path.of(stem + "-labels.png"), used);  // never write over the input image itself
        }
        Path mapFile = out.resolve(stem + ".png");
        Path overlayFile = out.resolve(stem + ".overlay.png");
        map.writePng(mapFile);
        ImageIO.write(map.overlay(image), "png", overlayFile.toFile());
        JsonLines.print(line(q, map, mapFile, overlayFile, t));
      }
    }
    return failed == 0 ? 0 : 1;
  }

  private static Map<String, Object> line(Query q, LabelMap map, Path mapFile, Path overlayFile, double t) {
    double[] fractions = map.fractions();
    List<Map<String, Object>> ls = new ArrayList<>();
    for (int k = 0; k < q.labels().size(); k++) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("label", q.labels().get(k));
      e.put("value", k + 1);
      e.put("fraction", fractions[k + 1]);
      ls.add(e);
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("image", q.image().toString());
    line.put("width", map.width());
    line.put("height", map.height());
    line.put("map", mapFile.toString());
    line.put("overlay", overlayFile.toString());
    line.put("threshold", Double.isInfinite(t) ? null : t);
    line.put("background", fractions[0]);
    line.put("labels", ls);
    return line;
  }

  /** The image's file name without its extension, made unique within this run (a.png, a-2.png, ...). */
  private static String uniqueStem(Path image, Set<String> used) {
    String name = image.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String s = stem;
    for (int n = 2; !used.add(s); n++) s = stem + "-" + n;
    return s;
  }

  private List<Query> queries() throws IOException {
    if (queries != null) {
      if (labels != null || !images.isEmpty()) throw new IllegalArgumentException("--queries replaces --labels and IMAGE arguments: give one or the other");
      return readQueries(queries);
    }
    if (labels == null) throw new IllegalArgumentException("give --labels \"a,b,c\" with IMAGE files, or --queries FILE");
    if (images.isEmpty()) throw new IllegalArgumentException("--labels needs at least one IMAGE to segment");
    List<String> names = checkLabels(labels, "--labels");
    return images.stream().map(p -> new Query(p, names)).toList();
  }

  static List<Query> readQueries(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("--queries " + file + ": no such file");
    List<Query> out = new ArrayList<>();
    Path base = file.toAbsolutePath().getParent();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String where = file + ":" + (i + 1);
      String text = lines.get(i).strip();
      if (text.isEmpty()) continue;
      JsonNode n;
      try {
        n = JsonLines.JSON.readTree(text);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException(where + ": not a JSON object: " + e.getOriginalMessage());
      }
      if (n == null || !n.isObject()) throw new IllegalArgumentException(where + ": expected {\"image\": PATH, \"labels\": [...]}");
      JsonNode image = n.get("image");
      if (image == null || !image.isTextual() || image.asText().isBlank()) throw new IllegalArgumentException(where + ": \"image\" must be a path");
      JsonNode ls = n.get("labels");
      List<String> names = new ArrayList<>();
      if (ls != null && ls.isArray()) {
        for (JsonNode l : ls) {
          if (!l.isTextual()) throw new IllegalArgumentException(where + ": \"labels\" must hold strings, got " + l);
          names.add(l.asText());
        }
      } else if (ls != null && ls.isTextual()) {
        names.addAll(List.of(ls.asText().split(",")));
      } else {
        throw new IllegalArgumentException(where + ": \"labels\" must be a list of label strings");
      }
      Path p = Path.of(image.asText());
      out.add(new Query(p.isAbsolute() ? p : base.resolve(p).normalize(), checkLabels(names, where)));
    }
    if (out.isEmpty()) throw new IllegalArgumentException("--queries " + file + " holds no queries");
    return out;
  }

  private static List<String> checkLabels(List<String> given, String where) {
    List<String> names = given.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (names.isEmpty()) throw new IllegalArgumentException(where + ": needs at least one non-empty label");
    if (names.size() > LabelMap.MAX_LABELS) {
      throw new IllegalArgumentException(where + ": " + names.size() + " labels; a label map holds at most " + LabelMap.MAX_LABELS);
    }
    return names;
  }
}
