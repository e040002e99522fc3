package dev.vlt.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Confusion-matrix heatmap drawn with Java2D (xchart's heatmap has no per-cell counts nor rotated class labels). Colour
 * is the ROW fraction (share of a true class predicted as each class), so rare classes are as readable as common ones;
 * counts are printed in cells large enough to hold them.
 */
public final class Heatmap {
  private static final Color LOW = new Color(0xf7fbff), HIGH = new Color(0x08306b);

  private Heatmap() {}

  /** The heatmap of {@code counts} [C, C] (rows = true class, columns = predicted) with {@code classNames} [C]. */
  public static BufferedImage render(String title, List<String> classNames, int[][] counts) {
    int n = counts.length;
    if (n == 0 || classNames.size() != n) {
      throw new IllegalArgumentException("confusion matrix '" + title + "' is " + n + "x" + n + " but has "
          + classNames.size() + " class names");
    }
    for (int[] row : counts) {
      if (row.length != n) throw new IllegalArgumentException("confusion matrix '" + title + "' is not square");
    }
    int cell = Math.max(6, Math.min(44, 640 / n));
    int label = Math.min(170, 12 + 7 * classNames.stream().mapToInt(String::length).max().orElse(1));
    int left = label + 30, top = 50, grid = cell * n;
    int width = left + grid + 90, height = top + grid + label + 30;
    BufferedImage[] image = new BufferedImage[1];
    Graphics2D g = Canvas.create(image, width, height);

    g.setFont(Canvas.TITLE);
    g.drawString(Canvas.fit(g, title, width - 20), 10, 24);
    g.setFont(Canvas.TEXT);
    Canvas.centered(g, "predicted", left + grid / 2, height - 8);
    AffineTransform plain = g.getTransform();
    g.rotate(-Math.PI / 2);
    Canvas.centered(g, "true", -(top + grid / 2), 16);
    g.setTransform(plain);

    boolean showCounts = cell >= 22;
    g.setFont(cell >= 30 ? Canvas.TEXT : Canvas.SMALL);
    for (int r = 0; r < n; r++) {
      long rowTotal = 0;
      for (int c = 0; c < n; c++) rowTotal += counts[r][c];
      for (int c = 0; c < n; c++) {
        double f = rowTotal == 0 ? 0 : (double) counts[r][c] / rowTotal;
        int x = left + c * cell, y = top + r * cell;
        g.setColor(blend(f));
        g.fillRect(x, y, cell, cell);
        if (showCounts && counts[r][c] > 0) {
          g.setColor(f > 0.5 ? Color.WHITE : Color.BLACK);
          String s = Integer.toString(counts[r][c]);
          if (g.getFontMetrics().stringWidth(s) < cell - 2) Canvas.centered(g, s, x + cell / 2, y + cell / 2 + 4);
        }
      }
    }
    g.setColor(Color.GRAY);
    g.setStroke(new BasicStroke(1));
    g.drawRect(left, top, grid, grid);

    // class names: rows on the left, columns below rotated so long names never overlap
    g.setColor(Color.BLACK);
    g.setFont(cell >= 14 ? Canvas.TEXT : Canvas.SMALL);
    int ascent = g.getFontMetrics().getAscent();
    boolean every = cell >= 10;                                     // tiny cells: label every other class
    for (int i = 0; i < n; i++) {
      if (!every && i % 2 == 1) continue;
      String name = Canvas.fit(g, classNames.get(i), label - 6);
      int mid = top + i * cell + cell / 2 + ascent / 2 - 1;
      g.drawString(name, left - 6 - g.getFontMetrics().stringWidth(name), mid);
      g.rotate(-Math.PI / 2.5, left + i * cell + cell / 2, top + grid + 6);
      g.drawString(name, left + i * cell + cell / 2 - g.getFontMetrics().stringWidth(name), top + grid + 6 + ascent / 2);
      g.setTransform(plain);
    }

    // colour scale
    int barX = left + grid + 24, barH = Math.min(grid, 240);
    for (int y = 0; y < barH; y++) {
      g.setColor(blend(1 - (double) y / (barH - 1)));
      g.fillRect(barX, top + y, 16, 1);
    }
    g.setColor(Color.BLACK);
    g.setFont(Canvas.SMALL);
    g.drawString("1.0", barX + 20, top + 8);
    g.drawString("0.0", barX + 20, top + barH);
    g.drawString("row", barX, top + barH + 14);
    g.drawString("share", barX, top + barH + 26);
    g.dispose();
    return image[0];
  }

  /** White-to-navy colour for a fraction in [0, 1]. */
  private static Color blend(double f) {
    double t = Math.max(0, Math.min(1, f));
    return new Color((int) Math.round(LOW.getRed() + t * (HIGH.getRed() - LOW.getRed())),
        (int) Math.round(LOW.getGreen() + t * (HIGH.getGreen() - LOW.getGreen())),
        (int) Math.round(LOW.getBlue() + t * (HIGH.getBlue() - LOW.getBlue())));
  }
}
