package dev.vlt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vlt.data.image.ImageDecoder;
import dev.vlt.data.image.Raster8;
import dev.vlt.infer.Grounder;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.report.BoxOverlay;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vlt ground}: the box an expression refers to in each image, from any model that grounds (TransVG, TransVG++). */
@Command(name = "ground", mixinStandardHelpOptions = true,
    description = {"Find the region TEXT refers to in each IMAGE with a grounding model (TransVG, TransVG++): one JSON line per",
        "pair in input order, {\"image\", \"text\", \"box\": [x0, y0, x1, y1], \"score\"}, the box in the original image's pixels",
        "(score is null for models that only regress a box). --queries FILE grounds many (image, text) pairs in one run."})
public final class GroundCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "MODEL", description = "A model folder that grounds (vlt quickstart --system transvg writes one).")
  String model;

  @Option(names = "--text", paramLabel = "TEXT", description = "The referring expression, applied to every IMAGE.")
  String text;

  @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Image files (with --text).")
  List<Path> images = new ArrayList<>();

  @Option(names = "--queries", paramLabel = "FILE", description = "JSON lines of {\"image\": PATH, \"text\": TEXT} (paths relative to the file), instead of --text and IMAGE.")
  Path queries;

  @Option(names = "--out", paramLabel = "DIR", description = "Also write each image with its box drawn, as DIR/NNNNN-NAME.png (NNNNN: the pair's position).")
  Path out;

  @Option(names = "--tokenizer", paramLabel = "FILE", description = "Tokenizer file or folder instead of the model's own.")
  Path tokenizer;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Pairs per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Mixin ThreadsOption threads;

  record Query(Path image, String text) {}

  @Override
  public Integer call() throws IOException {
    if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
    List<Query> pairs = pairs();
    threads.apply();
    if (out != null) Files.createDirectories(out);
    int failed = 0;
    try (LoadedModel lm = Models.resolve(model, tokenizer)) {
      Grounder grounder = new Grounder(lm, batchSize);
      Map<Path, Raster8> cache = new LinkedHashMap<>();
      for (int from = 0; from < pairs.size(); from += batchSize) {
        List<Query> chunk = pairs.subList(from, Math.min(pairs.size(), from + batchSize));
        List<Integer> positions = new ArrayList<>();
        List<Raster8> rasters = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
          Raster8 r = read(chunk.get(i).image(), cache);
          if (r == null) {
            failed++;
            continue;
          }
          positions.add(from + i);
          rasters.add(r);
          texts.add(chunk.get(i).text());
        }
        cache.clear();
        List<Grounder.Answer> answers = grounder.ground(rasters, texts);
        for (int k = 0; k < answers.size(); k++) {
          Query q = pairs.get(positions.get(k));
          float[] b = answers.get(k).box();
          Map<String, Object> line = new LinkedHashMap<>();
          line.put("image", q.image().toString());
          line.put("text", q.text());
          line.put("box", List.of(round(b[0]), round(b[1]), round(b[2]), round(b[3])));
          line.put("score", answers.get(k).score());
          JsonLines.print(line);
          if (out != null) draw(rasters.get(k), b, out.resolve(String.format("%05d-%s.png", positions.get(k), stem(q.image()))));
        }
      }
    }
    System.out.flush();
    return failed > 0 ? 1 : 0;
  }

  private List<Query> pairs() throws IOException {
    if (queries != null) {
      if (text != null || !images.isEmpty()) throw new IllegalArgumentException("give either --queries FILE or --text TEXT with IMAGE files, not both");
      return readQueries(queries);
    }
    if (text == null) throw new IllegalArgumentException("give --text TEXT with one or more IMAGE files, or --queries FILE");
    if (text.isBlank()) throw new IllegalArgumentException("--text is empty: give the expression to ground");
    if (images.isEmpty()) throw new IllegalArgumentException("--text needs at least one IMAGE file");
    return images.stream().map(p -> new Query(p, text)).toList();
  }

  /** The pairs of a JSON-lines file; a malformed line is a user mistake (one line naming it). Blank lines are skipped. */
  static List<Query> readQueries(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("--queries " + file + ": no such file");
    Path base = file.toAbsolutePath().getParent();
    List<Query> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).strip();
      if (l.isEmpty()) continue;
      String where = file + ":" + (i + 1);
      JsonNode n;
      try {
        n = JsonLines.JSON.readTree(l);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException(where + " is not valid JSON: " + e.getOriginalMessage());
      }
      if (n == null || !n.isObject() || !n.path("image").isTextual() || !n.path("text").isTextual() || n.get("text").asText().isBlank()) {
        throw new IllegalArgumentException(where + " must be {\"image\": PATH, \"text\": TEXT} with a non-empty text");
      }
      Path p = Path.of(n.get("image").asText());
      out.add(new Query(p.isAbsolute() ? p : base.resolve(p).normalize(), n.get("text").asText()));
    }
    if (out.isEmpty()) throw new IllegalArgumentException("--queries " + file + " holds no pairs");
    return out;
  }

  /** The decoded image, or null after one stderr line when it cannot be read. */
  private static Raster8 read(Path p, Map<Path, Raster8> cache) {
    if (cache.containsKey(p)) return cache.get(p);
    Raster8 r = null;
    try {
      if (!Files.isRegularFile(p)) throw new IOException(p + ": no such file");
      r = ImageDecoder.decode(p);
    } catch (Exception e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage().replace('\n', ' ');
      System.err.println("vlt: skipped " + (msg.contains(p.toString()) ? msg : p + ": " + msg));
    }
    cache.put(p, r);
    return r;
  }

  private static double round(float v) {
    return Math.round(v * 100) / 100.0;
  }

  private static String stem(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return (dot > 0 ? n.substring(0, dot) : n).replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static void draw(Raster8 image, float[] box, Path file) throws IOException {
    ImageIO.write(BoxOverlay.draw(image, 1, new BoxOverlay.Drawn(box, Color.RED)), "png", file.toFile());
  }
}
