package dev.vlt.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.eval.ClassAccuracy;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
  @Test
  void linePlotWritesAPngWithInk(@TempDir Path dir) throws Exception {
    Map<String, double[][]> series = new LinkedHashMap<>();
    series.put("train loss", new double[][] {{0, 10, 20, 30}, {2.3, 1.4, 0.9, 0.7}});
    series.put("val loss", new double[][] {{0, 30}, {2.3, 0.8}});
    Path png = dir.resolve("plots/loss.png");
    Plots.lines(png, "loss", "step", series);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(800, img.getWidth());
    assertEquals(450, img.getHeight());
    assertTrue(nonWhiteShare(img) > 0.01, "the plot has almost no ink");
  }

  @Test
  void badSeriesAreRejectedByName(@TempDir Path dir) {
    var ragged = assertThrows(IllegalArgumentException.class,
        () -> Plots.lines(dir.resolve("x.png"), "lr", "step", Map.of("lr", new double[][] {{0, 1}, {0.1}})));
    assertEquals("series 'lr' of plot 'lr' must be {xs, ys} with equal, non-zero lengths", ragged.getMessage());
    var nan = assertThrows(IllegalArgumentException.class,
        () -> Plots.lines(dir.resolve("x.png"), "loss", "step", Map.of("loss", new double[][] {{0}, {Double.NaN}})));
    assertEquals("series 'loss' of plot 'loss' has NaN", nan.getMessage());
    var bars = assertThrows(IllegalArgumentException.class,
        () -> Plots.bars(dir.resolve("b.png"), "acc", "", List.of("a", "b"), new double[] {1}));
    assertEquals("bar chart 'acc' needs one value per category, got 1 values for 2 categories", bars.getMessage());
  }

  @Test
  void perClassBarsSkipAbsentClassesAndWidenForMany(@TempDir Path dir) throws Exception {
    List<ClassAccuracy> few = List.of(new ClassAccuracy("cat", 4, 3, 0.75), new ClassAccuracy("dog", 0, 0, null));
    Path png = dir.resolve("few.png");
    Plots.perClass(png, "per class", few);
    assertEquals(700, ImageIO.read(png.toFile()).getWidth());
    List<ClassAccuracy> many = new java.util.ArrayList<>();
    for (int c = 0; c < 60; c++) many.add(new ClassAccuracy("class " + c, 10, c % 10, (c % 10) / 10.0));
    Plots.perClass(png, "per class", many);
    assertEquals(120 + 22 * 60, ImageIO.read(png.toFile()).getWidth());
  }

  @Test
  void heatmapShadesByRowShare() {
    int[][] counts = {{9, 1, 0}, {0, 5, 5}, {0, 0, 2}};
    BufferedImage img = Heatmap.render("confusion", List.of("circle", "square", "star"), counts);
    // layout as in Heatmap.render: 3 classes → 44 px cells; the grid starts at left = label + 30, top = 50
    int cell = 44, left = Math.min(170, 12 + 7 * 6) + 30, top = 50;
    Color full = pixel(img, left + 2 * cell + 3, top + 2 * cell + 3);      // row 2: all 2 on the diagonal → share 1
    Color none = pixel(img, left + 2 * cell + 3, top + 3);                 // row 0, column 2: share 0
    Color half = pixel(img, left + 2 * cell + 3, top + cell + 3);          // row 1, column 2: share 0.5
    assertEquals(new Color(0x08306b), full);
    assertEquals(new Color(0xf7fbff), none);
    assertTrue(half.getBlue() < none.getBlue() && half.getBlue() > full.getBlue(), "half share is in between: " + half);
    var bad = assertThrows(IllegalArgumentException.class, () -> Heatmap.render("c", List.of("a"), counts));
    assertEquals("confusion matrix 'c' is 3x3 but has 1 class names", bad.getMessage());
  }

  @Test
  void gridFramesMatchesInGreen() {
    BufferedImage red = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);   // wide: letterboxed into the square
    for (int x = 0; x < 40; x++) for (int y = 0; y < 20; y++) red.setRGB(x, y, 0xff0000);
    List<ImageGrid.Row> rows = List.of(
        new ImageGrid.Row("a red rectangle <b>", List.of(new ImageGrid.Thumb(red, "0.91", true),
            new ImageGrid.Thumb(red, "0.52", false))),
        new ImageGrid.Row("a very long query that certainly needs to wrap over more than a single line of text",
            List.of(new ImageGrid.Thumb(red, "0.40", false))));
    BufferedImage img = ImageGrid.render("retrieval", rows);
    int x0 = 12 + 220 + 10, y0 = 40;
    assertEquals(new Color(0x2e9e44), pixel(img, x0 + 30, y0 - 1));          // top frame of the matching hit
    assertEquals(new Color(0xff0000), pixel(img, x0 + 48, y0 + 48));          // thumbnail centre
    assertEquals(new Color(0xf4f4f4), pixel(img, x0 + 48, y0 + 5));           // letterbox above the wide image
    assertEquals(2 * (96 + 30 + 10) + 40 + 12, img.getHeight());
  }

  static double nonWhiteShare(BufferedImage img) {
    long ink = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xffffff) != 0xffffff) ink++;
    }
    return (double) ink / ((long) img.getWidth() * img.getHeight());
  }

  private static Color pixel(BufferedImage img, int x, int y) {
    return new Color(img.getRGB(x, y) & 0xffffff);
  }
}
