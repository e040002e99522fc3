package dev.vlt.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.Fixtures;
import dev.vlt.eval.Hit;
import dev.vlt.eval.Knn;
import dev.vlt.eval.KnnMetrics;
import dev.vlt.eval.Labeled;
import dev.vlt.eval.LinearProbe;
import dev.vlt.eval.MarkdownTable;
import dev.vlt.eval.Metrics;
import dev.vlt.eval.ProbeMetrics;
import dev.vlt.eval.Result;
import dev.vlt.eval.Retrieval;
import dev.vlt.eval.SweepPoint;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Builds a complete sample report from the real emoji set with raw-pixel features (no model): it exercises every plot
 * and the HTML writer end to end, and leaves {@code target/sample-report/report.html} for a look in a browser.
 */
class SampleReportTest {
  /** Features are the colour layout at GRID×GRID: coarse enough to keep the probe's sweep quick. */
  private static final int GRID = 4;

  private record Emoji(String name, int category, BufferedImage image, float[] pixels, boolean train) {}

  @Test
  void emojiPixelBaselineReport() throws Exception {
    Path dir = Fixtures.requireOptional(Fixtures.data("emoji-google-64"));
    List<String> categories = Files.readAllLines(dir.resolve("categories.txt")).stream()
        .filter(s -> !s.isBlank()).toList();
    long t0 = System.nanoTime();
    List<Emoji> emoji = load(dir, categories);
    double loadSeconds = (System.nanoTime() - t0) / 1e9;
    List<Emoji> trainSet = emoji.stream().filter(Emoji::train).toList();
    List<Emoji> testSet = emoji.stream().filter(e -> !e.train()).toList();
    Labeled train = labeled(trainSet), test = labeled(testSet);

    ProbeMetrics probe = LinearProbe.evaluate(train, test, categories, LinearProbe.Config.DEFAULT);
    System.out.printf("emoji: load %.1f s, probe %.1f s%n", loadSeconds, (System.nanoTime() - t0) / 1e9 - loadSeconds);
    KnnMetrics knn = Knn.evaluate(train, test, categories, 10, Knn.DEFAULT_TEMPERATURE);
    Map<String, Result> results = new LinkedHashMap<>();
    results.put("emoji pixels: linear probe", probe);
    results.put("emoji pixels: kNN", knn);
    System.out.print(MarkdownTable.render(results));
    assertTrue(probe.testAccuracy() > 0.3, "the colour layout should beat 10-way chance: " + probe.testAccuracy());
    assertTrue(knn.accuracy() > 0.3, "kNN " + knn.accuracy());

    Path out = Path.of("target", "sample-report");
    Metrics.write(out.resolve("metrics.json"), results);
    Map<String, double[][]> sweep = new LinkedHashMap<>();
    List<SweepPoint> points = probe.sweep();
    double[] logC = points.stream().mapToDouble(p -> Math.log10(p.c())).toArray();
    sweep.put("val accuracy", new double[][] {logC, points.stream().mapToDouble(SweepPoint::valAccuracy).toArray()});
    sweep.put("val loss / 10", new double[][] {logC, points.stream().mapToDouble(p -> p.valLoss() / 10).toArray()});
    Plots.lines(out.resolve("sweep.png"), "Linear-probe regularisation sweep", "log10 C", sweep);
    Plots.perClass(out.resolve("per-class.png"), "Linear probe: test accuracy per category", probe.perClass());
    Plots.confusion(out.resolve("confusion.png"), "Linear probe: test confusion", categories, probe.confusion());

    List<ImageGrid.Row> rows = new ArrayList<>();
    List<List<Hit>> hits = Retrieval.search(test.features(), train.features(), 5);
    for (int q = 0; q < testSet.size(); q += testSet.size() / 6) {
      Emoji query = testSet.get(q);
      List<ImageGrid.Thumb> thumbs = new ArrayList<>(List.of(new ImageGrid.Thumb(query.image(), "query", true)));
      for (Hit h : hits.get(q)) {
        Emoji e = trainSet.get(h.index());
        thumbs.add(new ImageGrid.Thumb(e.image(), String.format("%.3f %s", h.score(), e.name()),
            e.category() == query.category()));
      }
      rows.add(new ImageGrid.Row(query.name() + " (" + categories.get(query.category()) + ")", thumbs));
    }
    Plots.grid(out.resolve("neighbours.png"), "Nearest training emoji by raw pixels", rows);

    HtmlReport report = new HtmlReport("vlt sample report: emoji raw-pixel baseline")
        .paragraph("Raw " + GRID + "×" + GRID + " RGB pixels of " + emoji.size() + " Noto emoji as features — no model. A baseline any trained "
            + "image tower should beat, and a check that every report part renders.")
        .metrics("Results (fractions; chance = 1 / classes)", results)
        .section("Linear probe")
        .image(out.resolve("sweep.png"), "Validation accuracy and loss over C; chosen C = "
            + MarkdownTable.format(probe.c()))
        .image(out.resolve("per-class.png"), "Per-category test accuracy")
        .image(out.resolve("confusion.png"), "Rows: true category; colour: share of the row")
        .section("Nearest neighbours <by pixels>")
        .image(out.resolve("neighbours.png"), "Green frame: same category as the query")
        .preformatted(MarkdownTable.render(results));
    report.write(out.resolve("report.html"));

    JsonNode json = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    assertEquals(probe.testAccuracy(), json.get("emoji pixels: linear probe").get("test_accuracy").asDouble());
    String html = Files.readString(out.resolve("report.html"));
    assertEquals(4, html.split("data:image/png;base64,").length - 1);
    assertTrue(html.contains("Nearest neighbours &lt;by pixels&gt;"));
  }

  private static List<Emoji> load(Path dir, List<String> categories) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<Emoji> out = new ArrayList<>();
    try (ZipFile zip = new ZipFile(dir.resolve("images.zip").toFile())) {
      for (String line : Files.readAllLines(dir.resolve("pairs.jsonl"))) {
        JsonNode row = json.readTree(line);
        BufferedImage img = ImageIO.read(zip.getInputStream(zip.getEntry(row.get("file").asText())));
        int category = categories.indexOf(row.get("category").asText());
        out.add(new Emoji(row.get("name").asText(), category, img, pixels(img),
            row.get("split").asText().equals("train")));
      }
    }
    return out;
  }

  /** The image composited on white and box-averaged to GRID×GRID RGB: [3·GRID²] values in [0, 1]. */
  private static float[] pixels(BufferedImage img) {
    int bw = img.getWidth() / GRID, bh = img.getHeight() / GRID;
    float[] f = new float[3 * GRID * GRID];
    for (int by = 0, k = 0; by < GRID; by++) {
      for (int bx = 0; bx < GRID; bx++, k += 3) {
        for (int y = by * bh; y < (by + 1) * bh; y++) {
          for (int x = bx * bw; x < (bx + 1) * bw; x++) {
            int argb = img.getRGB(x, y);
            float a = (argb >>> 24) / 255f;
            for (int ch = 0; ch < 3; ch++) f[k + ch] += a * ((argb >> (16 - 8 * ch)) & 255) / 255f + (1 - a);
          }
        }
        for (int ch = 0; ch < 3; ch++) f[k + ch] /= bw * bh;
      }
    }
    return f;
  }

  private static Labeled labeled(List<Emoji> set) {
    return new Labeled(set.stream().map(Emoji::pixels).toArray(float[][]::new),
        set.stream().mapToInt(Emoji::category).toArray());
  }
}
