package dev.vlt.report;

import dev.vlt.eval.ClassAccuracy;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots for reports: line and bar charts through xchart, the confusion heatmap and image grids drawn with Java2D
 * ({@link Heatmap}, {@link ImageGrid}). Every method writes one PNG, creating parent folders, and works headless.
 */
public final class Plots {
  private Plots() {}

  /**
   * Line plot of named series over steps: each value is {@code {xs, ys}} ([2][n], equal lengths, finite), e.g.
   * {@code "loss" -> {{0, 10, 20}, {2.3, 1.1, 0.7}}}. Series keep the map's order and colours.
   */
  public static void lines(Path png, String title, String xLabel, Map<String, double[][]> series) {
    if (series.isEmpty()) throw new IllegalArgumentException("plot '" + title + "' has no series");
    XYChart chart = new XYChartBuilder().width(800).height(450).title(title).xAxisTitle(xLabel).yAxisTitle("").build();
    style(chart.getStyler());
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);      // below the plot: never hides a curve
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setLegendVisible(series.size() > 1);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    series.forEach((name, xy) -> {
      if (xy.length != 2 || xy[0].length != xy[1].length || xy[0].length == 0) {
        throw new IllegalArgumentException("series '" + name + "' of plot '" + title
            + "' must be {xs, ys} with equal, non-zero lengths");
      }
      for (double[] row : xy) for (double v : row) {
        if (!Double.isFinite(v)) throw new IllegalArgumentException("series '" + name + "' of plot '" + title + "' has " + v);
      }
      XYSeries s = chart.addSeries(name, xy[0], xy[1]);
      s.setMarker(xy[0].length <= 30 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);   // markers only help sparse evals
    });
    save(chart, png);
  }

  /** Vertical bars, one per category, in the given order; {@code values} [categories.size()]. */
  public static void bars(Path png, String title, String yLabel, List<String> categories, double[] values) {
    if (categories.isEmpty() || categories.size() != values.length) {
      throw new IllegalArgumentException("bar chart '" + title + "' needs one value per category, got "
          + values.length + " values for " + categories.size() + " categories");
    }
    // room for each label: many classes make a wide chart rather than unreadable bars
    int width = Math.max(700, Math.min(4000, 120 + 22 * categories.size()));
    CategoryChart chart = new CategoryChartBuilder().width(width).height(480).title(title).xAxisTitle("")
        .yAxisTitle(yLabel).build();
    style(chart.getStyler());
    chart.getStyler().setLegendVisible(false);
    // slant the labels when, written flat at ~7 px a character, the longest would not fit its bar's width
    int longest = categories.stream().mapToInt(String::length).max().orElse(0);
    chart.getStyler().setXAxisLabelRotation(7 * longest > (width - 120) / categories.size() ? 60 : 0);
    chart.getStyler().setYAxisDecimalPattern("0.00");
    List<Double> ys = new ArrayList<>();
    for (double v : values) ys.add(v);
    chart.addSeries(yLabel.isEmpty() ? "value" : yLabel, new ArrayList<>(categories), ys)
        .setFillColor(new Color(0x3b6ea5));
    save(chart, png);
  }

  /** Per-class accuracy bars (0…1); classes without examples are left out. */
  public static void perClass(Path png, String title, List<ClassAccuracy> perClass) {
    List<String> names = new ArrayList<>();
    List<Double> acc = new ArrayList<>();
    for (ClassAccuracy c : perClass) {
      if (c.accuracy() == null) continue;
      names.add(c.name());
      acc.add(c.accuracy());
    }
    bars(png, title, "accuracy", names, acc.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Confusion-matrix heatmap of {@code counts} [C, C] (rows = true class); see {@link Heatmap}. */
  public static void confusion(Path png, String title, List<String> classNames, int[][] counts) {
    write(Heatmap.render(title, classNames, counts), png);
  }

  /** Retrieval examples: one row per query with its top hits; see {@link ImageGrid}. */
  public static void grid(Path png, String title, List<ImageGrid.Row> rows) {
    write(ImageGrid.render(title, rows), png);
  }

  /** Writes {@code image} as PNG to {@code png}, creating parent folders. */
  public static void write(BufferedImage image, Path png) {
    try {
      createParent(png);
      if (!ImageIO.write(image, "png", png.toFile())) throw new IOException("no PNG writer");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write plot " + png + ": " + e.getMessage(), e);
    }
  }

  private static void style(Styler s) {
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotBorderVisible(false);
    s.setChartTitleFont(Canvas.TITLE);
    s.setLegendFont(Canvas.TEXT);
    s.setLegendBorderColor(Color.LIGHT_GRAY);
    s.setAntiAlias(true);
    if (s instanceof AxesChartStyler a) {
      a.setAxisTickLabelsFont(Canvas.TEXT);
      a.setAxisTitleFont(Canvas.TEXT);
      a.setPlotGridLinesColor(new Color(0xe4e4e4));
    }
  }

  private static void save(Chart<?, ?> chart, Path png) {
    try {
      createParent(png);
      Files.write(png, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write plot " + png + ": " + e.getMessage(), e);
    }
  }

  private static void createParent(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
  }
}
