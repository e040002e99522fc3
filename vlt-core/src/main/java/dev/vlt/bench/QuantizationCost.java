package dev.vlt.bench;

import dev.vlt.data.DataSources;
import dev.vlt.data.Sample;
import dev.vlt.data.SampleList;
import dev.vlt.data.SkimagePhotos;
import dev.vlt.data.SkipReport;
import dev.vlt.data.Templates;
import dev.vlt.data.image.Raster8;
import dev.vlt.eval.ZeroShot;
import dev.vlt.eval.suite.EvalSet;
import dev.vlt.infer.Embedder;
import dev.vlt.infer.Engine;
import dev.vlt.onnx.OnnxExport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What running a model on ONNX Runtime costs in accuracy, per engine against the PyTorch (DJL) fp32 embeddings: the
 * cosine of each image's embedding on real sets (the bundled photos, the evaluation sets' test images) and of each class
 * prompt's text embedding, and the zero-shot top-1 with the prompt ensemble where a set has labels.
 */
public final class QuantizationCost {
  /**
   * One engine on one set.
   *
   * @param zeroShotTop1 NaN where the set has no zero-shot task
   */
  public record Row(String set, Engine engine, int images, double meanImageCosine, double minImageCosine, double meanTextCosine,
      double minTextCosine, double zeroShotTop1) {}

  private QuantizationCost() {}

  /** @param open a fresh DJL embedder of the model for each engine (each ONNX engine takes its own over) */
  public static List<Row> measure(Supplier<Embedder> open, List<EvalSet> sets, List<Engine> engines) throws IOException {
    List<Raster8> photos = photos();
    Map<String, float[][]> refImages = new LinkedHashMap<>();
    Map<String, List<float[][]>> refTexts = new LinkedHashMap<>();
    List<Row> rows = new ArrayList<>();
    for (Engine engine : engines) {
      try (Embedder e = open.get().withEngine(engine)) {
        if (!photos.isEmpty()) {
          float[][] img = e.embedImages(photos);
          float[][] ref = refImages.computeIfAbsent("photos", k -> img);
          rows.add(new Row("photos", engine, photos.size(), meanCosine(ref, img), OnnxExport.Verification.minCosine(ref, img),
              Double.NaN, Double.NaN, Double.NaN));
        }
        for (EvalSet set : sets) {
          float[][] img = e.embedImages(set.test().images());
          float[][] ref = refImages.computeIfAbsent(set.name(), k -> img);
          List<float[][]> perClass = new ArrayList<>();
          List<String> templates = Templates.load(set.templates());
          for (String c : set.classNames()) perClass.add(e.embedTexts(Templates.fill(templates, c)));
          List<float[][]> refClass = refTexts.computeIfAbsent(set.name(), k -> perClass);
          double textMean = 0;
          double textMin = 1;
          int n = 0;
          for (int c = 0; c < perClass.size(); c++) {
            textMean += meanCosine(refClass.get(c), perClass.get(c)) * perClass.get(c).length;
            n += perClass.get(c).length;
            textMin = Math.min(textMin, OnnxExport.Verification.minCosine(refClass.get(c), perClass.get(c)));
          }
          double top1 = Double.NaN;
          if (set.zeroShot()) {
            int[] labelled = java.util.stream.IntStream.range(0, img.length).filter(i -> set.test().labels()[i] >= 0).toArray();
            float[][] x = new float[labelled.length][];
            int[] y = new int[labelled.length];
            for (int i = 0; i < labelled.length; i++) {
              x[i] = img[labelled[i]];
              y[i] = set.test().labels()[labelled[i]];
            }
            top1 = ZeroShot.evaluate(x, ZeroShot.classifier(perClass), y, set.classNames(), e.logitScale()).metrics().top1();
          }
          rows.add(new Row(set.name(), engine, img.length, meanCosine(ref, img), OnnxExport.Verification.minCosine(ref, img),
              textMean / n, textMin, top1));
        }
      }
    }
    return rows;
  }

  /** The 15 bundled scikit-image photos, or none when ../shared/data is not there. */
  private static List<Raster8> photos() throws IOException {
    Path dir;
    try {
      dir = DataSources.dataDir().resolve("photos-skimage");
    } catch (IllegalArgumentException e) {
      return List.of();
    }
    if (!java.nio.file.Files.isDirectory(dir)) return List.of();
    SampleList list = SkimagePhotos.read(dir);
    List<Raster8> out = new ArrayList<>();
    SkipReport skips = SkipReport.quiet();
    for (Sample s : list.samples()) {
      Raster8 r = s.loadOrSkip(skips);
      if (r != null) out.add(r);
    }
    return out;
  }

  static double meanCosine(float[][] a, float[][] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) sum += OnnxExport.Verification.minCosine(new float[][] {a[i]}, new float[][] {b[i]});
    return sum / a.length;
  }
}
