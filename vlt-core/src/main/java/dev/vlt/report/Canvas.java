package dev.vlt.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** Java2D plumbing shared by the hand-drawn figures: a white antialiased canvas and text that fits a width. */
final class Canvas {
  static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
  static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 10);

  private Canvas() {}

  /** A white RGB image and its graphics with antialiasing on for shapes and text. */
  static Graphics2D create(BufferedImage[] out, int width, int height) {
    out[0] = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out[0].createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    return g;
  }

  /** {@code text} shortened with "…" until it fits {@code width} pixels in the current font. */
  static String fit(Graphics2D g, String text, int width) {
    FontMetrics fm = g.getFontMetrics();
    if (fm.stringWidth(text) <= width) return text;
    String s = text;
    while (!s.isEmpty() && fm.stringWidth(s + "…") > width) s = s.substring(0, s.length() - 1);
    return s + "…";
  }

  /** Greedy word wrap of {@code text} into at most {@code maxLines} lines of {@code width} pixels, the last one cut. */
  static List<String> wrap(Graphics2D g, String text, int width, int maxLines) {
    FontMetrics fm = g.getFontMetrics();
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.strip().split("\\s+")) {
      String candidate = line.isEmpty() ? word : line + " " + word;
      if (fm.stringWidth(candidate) <= width || line.isEmpty()) {
        line.setLength(0);
        line.append(candidate);
      } else {
        lines.add(line.toString());
        line.setLength(0);
        line.append(word);
      }
    }
    if (!line.isEmpty()) lines.add(line.toString());
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.min(maxLines, lines.size()); i++) {
      boolean last = i == maxLines - 1 && lines.size() > maxLines;
      out.add(fit(g, last ? lines.get(i) + " …" : lines.get(i), width));
    }
    return out;
  }

  /** Draws {@code text} horizontally centred on {@code cx} with its baseline at {@code y}. */
  static void centered(Graphics2D g, String text, int cx, int y) {
    g.drawString(text, cx - g.getFontMetrics().stringWidth(text) / 2, y);
  }
}
