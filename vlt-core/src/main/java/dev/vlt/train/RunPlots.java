package dev.vlt.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vlt.report.Plots;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The run's PNG plots from its metrics: loss terms, learning rate, and zero-shot accuracy over steps. */
public final class RunPlots {
  public static final String LOSS = "loss.png";
  public static final String LR = "lr.png";
  public static final String ZEROSHOT = "zeroshot.png";
  public static final String RETRIEVAL = "retrieval.png";
  public static final String CAPTIONS = "captions.png";

  private RunPlots() {}

  /** Writes whichever plots the metrics have data for into {@code dir}; returns the files written. */
  public static List<Path> write(Path dir, List<JsonNode> metrics) {
    List<Path> written = new ArrayList<>();
    // with a single term the total repeats it: plot the terms, and the total only when there are several
    long terms = metrics.isEmpty() ? 0 : iterable(metrics.get(metrics.size() - 1).fieldNames()).stream()
        .filter(k -> k.endsWith("_loss")).count();
    plot(dir.resolve(LOSS), "Training loss", metrics, k -> k.endsWith("_loss") || terms > 1 && k.equals("loss"), written);
    // xchart labels an axis of values near 1e-4 unreadably: plot the rate in units of its own power of ten
    double peak = metrics.stream().mapToDouble(l -> l.path("lr").asDouble(0)).max().orElse(0);
    int exponent = peak > 0 ? (int) Math.floor(Math.log10(peak)) : 0;
    double unit = Math.pow(10, exponent);
    plot(dir.resolve(LR), exponent == 0 ? "Learning rate" : "Learning rate (×1e" + exponent + ")", scaled(metrics, "lr", unit),
        k -> k.equals("lr"), written);
    plot(dir.resolve(ZEROSHOT), "Zero-shot top-1 accuracy (test: held-out colour×shape combos)", metrics,
        k -> k.endsWith("_top1") || k.endsWith("_top1_heldout") || k.startsWith("chance"), written);
    plot(dir.resolve(RETRIEVAL), "Retrieval recall on --val-data", metrics, k -> k.endsWith("_r1") || k.endsWith("_r5"), written);
    plot(dir.resolve(CAPTIONS), "Greedy captions naming exactly the scene's objects", metrics,
        k -> k.endsWith("_caption_correct"), written);
    return written;
  }

  private static List<JsonNode> scaled(List<JsonNode> metrics, String key, double unit) {
    List<JsonNode> out = new ArrayList<>(metrics.size());
    for (JsonNode line : metrics) {
      if (line.has(key)) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = ((com.fasterxml.jackson.databind.node.ObjectNode) line).deepCopy();
        copy.put(key, line.get(key).asDouble() / unit);
        out.add(copy);
      } else {
        out.add(line);
      }
    }
    return out;
  }

  private static List<String> iterable(Iterator<String> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  private static void plot(Path png, String title, List<JsonNode> metrics, Predicate<String> keys, List<Path> written) {
    Map<String, List<double[]>> points = new LinkedHashMap<>();
    for (JsonNode line : metrics) {
      double step = line.path("step").asDouble();
      for (Iterator<String> it = line.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        JsonNode v = line.get(k);
        if (keys.test(k) && v.isNumber() && Double.isFinite(v.asDouble())) {
          points.computeIfAbsent(k, x -> new ArrayList<>()).add(new double[] {step, v.asDouble()});
        }
      }
    }
    if (points.isEmpty()) return;
    Map<String, double[][]> series = new LinkedHashMap<>();
    points.forEach((k, pts) -> {
      double[][] xy = new double[2][pts.size()];
      for (int i = 0; i < pts.size(); i++) {
        xy[0][i] = pts.get(i)[0];
        xy[1][i] = pts.get(i)[1];
      }
      series.put(k, xy);
    });
    Plots.lines(png, title, "step", series);
    written.add(png);
  }
}
