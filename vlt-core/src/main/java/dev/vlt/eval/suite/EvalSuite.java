package dev.vlt.eval.suite;

import dev.vlt.data.image.Raster8;
import dev.vlt.eval.Knn;
import dev.vlt.eval.KnnMetrics;
import dev.vlt.eval.Labeled;
import dev.vlt.eval.LinearProbe;
import dev.vlt.eval.MarkdownTable;
import dev.vlt.eval.Metrics;
import dev.vlt.eval.ProbeMetrics;
import dev.vlt.eval.Result;
import dev.vlt.eval.Retrieval;
import dev.vlt.eval.RetrievalMetrics;
import dev.vlt.data.Templates;
import dev.vlt.eval.ZeroShot;
import dev.vlt.eval.ZeroShotResult;
import dev.vlt.infer.Embedder;
import dev.vlt.report.HtmlReport;
import dev.vlt.report.ImageGrid;
import dev.vlt.report.Plots;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import static dev.vlt.eval.Vectors.select;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs the standard evaluations of a model on a list of sets — zero-shot with a prompt ensemble, image↔text retrieval,
 * linear probe and k-NN on frozen image features — and writes {@code metrics.json}, {@code report.html} and its plots.
 */
public final class EvalSuite {
  /** Everything measured, keyed "set/evaluation", in run order. */
  public record Outcome(Map<String, Result> results, Path report, Path metrics) {
    public String markdown() {
      return MarkdownTable.render(results);
    }
  }

  private final Embedder embedder;
  private final Consumer<String> log;

  public EvalSuite(Embedder embedder, Consumer<String> log) {
    this.embedder = embedder;
    this.log = log;
  }

  public Outcome run(List<EvalSet> sets, Path outDir, String title) throws java.io.IOException {
    Files.createDirectories(outDir);
    Map<String, Result> results = new LinkedHashMap<>();
    HtmlReport html = new HtmlReport(title);
    for (EvalSet set : sets) {
      log.accept("evaluating " + set.name() + " (" + set.test().size() + " test images)");
      html.section(set.name()).paragraph(set.description());
      float[][] test = embedder.embedImages(set.test().images());
      Map<String, Result> own = new LinkedHashMap<>();
      if (set.zeroShot()) zeroShot(set, test, own, html, outDir);
      if (set.test().hasCaptions()) retrieval(set, test, own, html);
      if (set.train().size() > 0 && set.probeTest().size() > 0) {
        float[][] train = embedder.embedImages(set.train().images());
        float[][] probeTest = set.probeTest() == set.test() ? test : embedder.embedImages(set.probeTest().images());
        probe(set, train, probeTest, own, html, outDir);
      }
      html.metrics(set.name(), own);
      own.forEach((k, v) -> results.put(set.name() + "/" + k, v));
    }
    Path metrics = outDir.resolve("metrics.json");
    Metrics.write(metrics, results);
    Path report = outDir.resolve("report.html");
    html.section("all results").metrics("summary", results);
    html.write(report);
    return new Outcome(results, report, metrics);
  }

  private void zeroShot(EvalSet set, float[][] test, Map<String, Result> own, HtmlReport html, Path out) {
    int[] rows = labelled(set.test().labels());
    if (rows.length == 0) return;
    List<String> templates = Templates.load(set.templates());
    List<float[][]> perClass = new ArrayList<>();
    for (String c : set.classNames()) perClass.add(embedder.embedTexts(Templates.fill(templates, c)));
    float[][] classifier = ZeroShot.classifier(perClass);
    ZeroShotResult r = ZeroShot.evaluate(select(test, rows), classifier, select(set.test().labels(), rows),
        set.classNames(), embedder.logitScale());
    own.put("zero-shot", r.metrics());
    Path heat = out.resolve(set.name() + "-zero-shot-confusion.png");
    Plots.confusion(heat, set.name() + ": zero-shot confusion (rows: truth)", set.classNames(), r.metrics().confusion());
    html.image(heat, "zero-shot confusion matrix, " + templates.size() + " templates per class");
    Path bars = out.resolve(set.name() + "-zero-shot-per-class.png");
    Plots.perClass(bars, set.name() + ": zero-shot accuracy per class", r.metrics().perClass());
    html.image(bars, "zero-shot accuracy per class");
  }

  private void retrieval(EvalSet set, float[][] test, Map<String, Result> own, HtmlReport html) {
    EvalSet.CaptionPairs pairs = set.test().captionPairs();
    int[] rows = pairs.imageRows();
    List<String> texts = pairs.texts();
    int[] owner = pairs.owner();
    float[][] images = select(test, rows);
    float[][] textEmb = embedder.embedTexts(texts);
    RetrievalMetrics r = Retrieval.evaluate(images, textEmb, owner);
    own.put("retrieval", r);
    // a few text queries with their top images, the true one framed
    List<ImageGrid.Row> gridRows = new ArrayList<>();
    int queries = Math.min(4, texts.size());
    List<List<dev.vlt.eval.Hit>> hits = Retrieval.search(java.util.Arrays.copyOf(textEmb, queries), images, 5);
    for (int q = 0; q < queries; q++) {
      List<ImageGrid.Thumb> thumbs = new ArrayList<>();
      for (dev.vlt.eval.Hit h : hits.get(q)) {
        Raster8 img = set.test().images().get(rows[h.index()]);
        thumbs.add(new ImageGrid.Thumb(toImage(img), String.format("%.3f", h.score()), h.index() == owner[q]));
      }
      gridRows.add(new ImageGrid.Row(texts.get(q), thumbs));
    }
    html.image(ImageGrid.render(set.name() + ": text → image, top 5", gridRows), "retrieval examples (true image framed)");
  }

  private void probe(EvalSet set, float[][] train, float[][] probeTest, Map<String, Result> own, HtmlReport html, Path out) {
    int[] trainRows = labelled(set.train().labels());
    int[] testRows = labelled(set.probeTest().labels());
    Labeled tr = new Labeled(select(train, trainRows), select(set.train().labels(), trainRows));
    Labeled te = new Labeled(select(probeTest, testRows), select(set.probeTest().labels(), testRows));
    ProbeMetrics p = LinearProbe.evaluate(tr, te, set.classNames(), LinearProbe.Config.DEFAULT);
    own.put("linear-probe", p);
    KnnMetrics k = Knn.evaluate(tr, te, set.classNames(), 10, Knn.DEFAULT_TEMPERATURE);
    own.put("knn", k);
  }

  static BufferedImage toImage(Raster8 r) {
    return r.toBufferedImage();
  }

  private static int[] labelled(int[] labels) {
    return java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] >= 0).toArray();
  }

}
