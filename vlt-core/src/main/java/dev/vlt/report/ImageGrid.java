package dev.vlt.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Retrieval examples as one picture: each row shows a query text on the left and its top hits as thumbnails, each with
 * a caption (e.g. the score) below. Hits marked as matches get a green frame, others a grey one, so a reader sees at a
 * glance where the correct image landed.
 */
public final class ImageGrid {
  /** One hit: its {@code image} (any size, scaled to fit), a short {@code caption}, and whether it is a correct match. */
  public record Thumb(BufferedImage image, String caption, boolean match) {
    public Thumb {
      if (image == null) throw new IllegalArgumentException("thumbnail '" + caption + "' has no image");
    }
  }

  /** One query and its hits, best first. */
  public record Row(String query, List<Thumb> hits) {}

  private static final int THUMB = 96, GAP = 10, TEXT_W = 220, CAPTION_H = 30, PAD = 12;
  private static final Color MATCH = new Color(0x2e9e44), OTHER = new Color(0xbbbbbb);

  private ImageGrid() {}

  /** The grid of {@code rows}; width follows the longest row. */
  public static BufferedImage render(String title, List<Row> rows) {
    if (rows.isEmpty()) throw new IllegalArgumentException("image grid '" + title + "' has no rows");
    int maxHits = rows.stream().mapToInt(r -> r.hits().size()).max().orElse(0);
    int rowH = THUMB + CAPTION_H + GAP;
    int width = Math.max(400, PAD + TEXT_W + GAP + maxHits * (THUMB + GAP) + PAD);
    int height = 40 + rows.size() * rowH + PAD;
    BufferedImage[] image = new BufferedImage[1];
    Graphics2D g = Canvas.create(image, width, height);
    g.setFont(Canvas.TITLE);
    g.drawString(Canvas.fit(g, title, width - 2 * PAD), PAD, 26);

    for (int r = 0; r < rows.size(); r++) {
      Row row = rows.get(r);
      int y = 40 + r * rowH;
      g.setColor(Color.BLACK);
      g.setFont(Canvas.TEXT);
      List<String> lines = Canvas.wrap(g, row.query(), TEXT_W, 6);
      int lineH = g.getFontMetrics().getHeight();
      int textY = y + (THUMB - lines.size() * lineH) / 2 + g.getFontMetrics().getAscent();
      for (String line : lines) {
        g.drawString(line, PAD, textY);
        textY += lineH;
      }
      for (int k = 0; k < row.hits().size(); k++) {
        Thumb t = row.hits().get(k);
        int x = PAD + TEXT_W + GAP + k * (THUMB + GAP);
        drawFitted(g, t.image(), x, y);
        g.setColor(t.match() ? MATCH : OTHER);
        g.setStroke(new BasicStroke(t.match() ? 4 : 1));
        g.drawRect(x - 1, y - 1, THUMB + 1, THUMB + 1);
        g.setColor(t.match() ? MATCH : Color.DARK_GRAY);
        g.setFont(Canvas.SMALL);
        Canvas.centered(g, Canvas.fit(g, t.caption(), THUMB), x + THUMB / 2, y + THUMB + 15);
      }
      if (r < rows.size() - 1) {
        g.setColor(new Color(0xeeeeee));
        g.setStroke(new BasicStroke(1));
        g.drawLine(PAD, y + rowH - GAP / 2, width - PAD, y + rowH - GAP / 2);
      }
    }
    g.dispose();
    return image[0];
  }

  /** Draws {@code src} scaled to fit a THUMB square at (x, y), centred, keeping its aspect ratio. */
  private static void drawFitted(Graphics2D g, BufferedImage src, int x, int y) {
    double scale = Math.min((double) THUMB / src.getWidth(), (double) THUMB / src.getHeight());
    int w = Math.max(1, (int) Math.round(src.getWidth() * scale)), h = Math.max(1, (int) Math.round(src.getHeight() * scale));
    g.setColor(new Color(0xf4f4f4));
    g.fillRect(x, y, THUMB, THUMB);
    g.drawImage(src, x + (THUMB - w) / 2, y + (THUMB - h) / 2, w, h, null);
  }
}
