package dev.vlt.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A contact sheet of any data source's samples: each image scaled into a square cell, its boxes outlined, and a few
 * lines of text under it (id, caption, label). The first look a user takes at their own manifest.
 */
public final class ContactSheet {
  /** One cell: the image, boxes in its own pixels ({@code [x0, y0, x1, y1]}), and the text under it. */
  public record Cell(BufferedImage image, List<float[]> boxes, List<String> lines) {}

  private static final int PAD = 10;
  private static final int LINE = 14;
  private static final int LINES = 4;

  private ContactSheet() {}

  /** A grid of ceil(sqrt(n)) columns of {@code cell}-pixel images. */
  public static BufferedImage render(String title, List<Cell> cells, int cell) {
    if (cells.isEmpty()) throw new IllegalArgumentException("nothing to preview: no samples");
    int cols = (int) Math.ceil(Math.sqrt(cells.size()));
    int rows = (cells.size() + cols - 1) / cols;
    int cellH = cell + 4 + LINES * LINE;
    BufferedImage[] out = new BufferedImage[1];
    Graphics2D g = Canvas.create(out, PAD + cols * (cell + PAD), 36 + rows * (cellH + PAD));
    g.setFont(Canvas.TITLE);
    g.drawString(Canvas.fit(g, title, cols * (cell + PAD)), PAD, 24);
    g.setFont(Canvas.SMALL);
    for (int k = 0; k < cells.size(); k++) {
      Cell c = cells.get(k);
      int x = PAD + (k % cols) * (cell + PAD);
      int y = 36 + (k / cols) * (cellH + PAD);
      double scale = Math.min((double) cell / c.image().getWidth(), (double) cell / c.image().getHeight());
      int w = (int) Math.round(c.image().getWidth() * scale);
      int h = (int) Math.round(c.image().getHeight() * scale);
      int ox = x + (cell - w) / 2;
      int oy = y + (cell - h) / 2;
      g.drawImage(c.image(), ox, oy, w, h, null);
      g.setColor(new Color(0xFF, 0x30, 0x90));
      g.setStroke(new BasicStroke(2));
      for (float[] b : c.boxes()) {
        g.drawRect(ox + (int) Math.round(b[0] * scale), oy + (int) Math.round(b[1] * scale),
            (int) Math.round((b[2] - b[0]) * scale), (int) Math.round((b[3] - b[1]) * scale));
      }
      g.setColor(Color.DARK_GRAY);
      int line = 0;
      for (String text : c.lines()) {
        for (String wrapped : Canvas.wrap(g, text, cell, LINES - line)) {
          g.drawString(wrapped, x, y + cell + 4 + (++line) * LINE - 3);
        }
        if (line >= LINES) break;
      }
    }
    g.dispose();
    return out[0];
  }
}
