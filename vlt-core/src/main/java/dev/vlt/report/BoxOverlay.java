package dev.vlt.report;

import dev.vlt.data.image.Raster8;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/** An image with corner boxes drawn on it, at its own size (or scaled up, for small thumbnails). */
public final class BoxOverlay {
  /** One box to draw: corners (x0, y0, x1, y1) in the image's pixels. */
  public record Drawn(float[] box, Color color) {}

  private BoxOverlay() {}

  /** The image scaled by {@code scale} (1 keeps its size) with each box outlined. */
  public static BufferedImage draw(Raster8 image, int scale, Drawn... boxes) {
    BufferedImage src = image.toRgb().toBufferedImage();
    BufferedImage img = new BufferedImage(src.getWidth() * scale, src.getHeight() * scale, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.drawImage(src, 0, 0, img.getWidth(), img.getHeight(), null);
    g.setStroke(new BasicStroke(Math.max(1, Math.min(img.getWidth(), img.getHeight()) / 100f)));
    for (Drawn d : boxes) {
      float[] b = d.box();
      g.setColor(d.color());
      int x0 = Math.round(b[0] * scale);
      int y0 = Math.round(b[1] * scale);
      g.drawRect(x0, y0, Math.max(1, Math.round(b[2] * scale) - x0 - 1), Math.max(1, Math.round(b[3] * scale) - y0 - 1));
    }
    g.dispose();
    return img;
  }
}
