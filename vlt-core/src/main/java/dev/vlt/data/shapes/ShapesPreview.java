package dev.vlt.data.shapes;

import java.awt.BasicStroke;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Contact sheets for looking at ShapesWorld: each sample as the plain image beside a copy with masks tinted and boxes
 * outlined, captions beneath; each clip as a row of frames with its caption and audio waveform.
 */
public final class ShapesPreview {
  private static final int PAD = 8;
  private static final int LINE = 15;
  private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final java.awt.Color SHEET = new java.awt.Color(0x20, 0x20, 0x24);
  private static final java.awt.Color TEXT = new java.awt.Color(0xE8, 0xE8, 0xE8);
  /** Highlight per object index; none of them is an object colour, so a tint never reads as the object's own. */
  private static final java.awt.Color[] HIGHLIGHT = {
      new java.awt.Color(0x00, 0xFF, 0xFF), new java.awt.Color(0xFF, 0x40, 0xFF),
      new java.awt.Color(0xB0, 0xFF, 0x30), new java.awt.Color(0xFF, 0xA0, 0xC8)};

  private ShapesPreview() {}

  /** A grid of ceil(sqrt(n)) columns; each cell is two panels of imageSize·scale pixels and a few lines of text. */
  public static BufferedImage samples(List<ShapesSample> samples, int scale) {
    if (samples.isEmpty()) throw new IllegalArgumentException("nothing to preview: no samples");
    int panel = samples.get(0).imageSize() * scale;
    int cellW = 2 * panel + PAD, cols = (int) Math.ceil(Math.sqrt(samples.size()));
    int rows = (samples.size() + cols - 1) / cols;
    List<List<String>> texts = new ArrayList<>();
    FontMetrics fm = metrics();
    int maxLines = 0;
    for (ShapesSample s : samples) {
      List<String> lines = wrap(describe(s), fm, cellW);
      texts.add(lines);
      maxLines = Math.max(maxLines, lines.size());
    }
    int cellH = panel + PAD + maxLines * LINE;
    BufferedImage sheet = new BufferedImage(cols * (cellW + 2 * PAD) + PAD, rows * (cellH + 2 * PAD) + PAD, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(sheet);
    for (int k = 0; k < samples.size(); k++) {
      ShapesSample s = samples.get(k);
      int x = PAD + (k % cols) * (cellW + 2 * PAD) + PAD, y = PAD + (k / cols) * (cellH + 2 * PAD) + PAD;
      g.drawImage(s.image(), x, y, panel, panel, null);
      g.drawImage(annotated(s, scale), x + panel + PAD, y, null);
      text(g, texts.get(k), x, y + panel + PAD);
    }
    g.dispose();
    return sheet;
  }

  /** One row per clip: its frames at scale, the audio waveform under them, then the captions. */
  public static BufferedImage clips(List<ShapesClip> clips, int scale) {
    if (clips.isEmpty()) throw new IllegalArgumentException("nothing to preview: no clips");
    int panel = clips.get(0).imageSize() * scale, frames = clips.get(0).frameCount();
    int rowW = frames * (panel + 2) - 2, wave = 40;
    int rowH = panel + PAD + wave + PAD + 2 * LINE;
    BufferedImage sheet = new BufferedImage(rowW + 2 * PAD, clips.size() * (rowH + 2 * PAD) + PAD, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(sheet);
    for (int k = 0; k < clips.size(); k++) {
      ShapesClip c = clips.get(k);
      int y = PAD + k * (rowH + 2 * PAD);
      for (int f = 0; f < c.frameCount(); f++) g.drawImage(c.frame(f), PAD + f * (panel + 2), y, panel, panel, null);
      waveform(g, c.audio(), PAD, y + panel + PAD, rowW, wave);
      text(g, List.of("#" + c.index() + " [" + c.split().word() + "] " + c.captions().get(1),
          String.format("audio: %.2f s at %d Hz, %s", c.seconds(), ShapesClip.SAMPLE_RATE, c.captions().get(2))),
          PAD, y + panel + PAD + wave + PAD);
    }
    g.dispose();
    return sheet;
  }

  /** The text under a sample: the relational caption, one referring expression, two questions. */
  private static List<String> describe(ShapesSample s) {
    List<String> lines = new ArrayList<>();
    lines.add("#" + s.index() + " [" + s.split().word() + "] " + s.captions().get(1));
    lines.add("count: " + s.captions().get(2));
    for (ReferringExpression r : s.referring()) {
      lines.add("ref: " + r.text() + " -> obj " + r.target());
      break;
    }
    for (QuestionAnswer qa : s.questions().subList(Math.max(0, s.questions().size() - 2), s.questions().size())) {
      lines.add("Q: " + qa.question() + "  A: " + qa.answer());
    }
    return lines;
  }

  private static BufferedImage annotated(ShapesSample s, int scale) {
    int n = s.imageSize(), panel = n * scale;
    BufferedImage out = new BufferedImage(panel, panel, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(out);
    g.drawImage(s.image(), 0, 0, panel, panel, null);
    g.setStroke(new BasicStroke(2));
    for (int i = 0; i < s.scene().size(); i++) {
      java.awt.Color h = HIGHLIGHT[i % HIGHLIGHT.length];
      g.setColor(new java.awt.Color(h.getRed(), h.getGreen(), h.getBlue(), 110));
      boolean[] mask = s.mask(i);
      for (int p = 0; p < mask.length; p++) if (mask[p]) g.fillRect(p % n * scale, p / n * scale, scale, scale);
      Box b = s.scene().get(i).box();
      g.setColor(h);
      g.drawRect(b.x0() * scale, b.y0() * scale, b.width() * scale - 1, b.height() * scale - 1);
      g.drawString(String.valueOf(i), b.x0() * scale + 3, b.y0() * scale + 13);
    }
    g.dispose();
    return out;
  }

  private static void waveform(Graphics2D g, float[] audio, int x, int y, int w, int h) {
    g.setColor(new java.awt.Color(0x30, 0x30, 0x38));
    g.fillRect(x, y, w, h);
    g.setColor(new java.awt.Color(0x60, 0xC0, 0xFF));
    for (int c = 0; c < w; c++) {
      float peak = 0;
      for (int i = (int) ((long) c * audio.length / w); i < (long) (c + 1) * audio.length / w; i++) peak = Math.max(peak, Math.abs(audio[i]));
      int half = Math.round(peak * (h / 2 - 1));
      g.drawLine(x + c, y + h / 2 - half, x + c, y + h / 2 + half);
    }
  }

  private static void text(Graphics2D g, List<String> lines, int x, int y) {
    g.setColor(TEXT);
    for (int l = 0; l < lines.size(); l++) g.drawString(lines.get(l), x, y + (l + 1) * LINE - 3);
  }

  /** Greedy word wrap of each line to width pixels; continuation lines are indented. */
  private static List<String> wrap(List<String> lines, FontMetrics fm, int width) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      StringBuilder cur = new StringBuilder();
      for (String word : line.split(" ")) {
        if (cur.length() > 0 && fm.stringWidth(cur + " " + word) > width) {
          out.add(cur.toString());
          cur = new StringBuilder("   ");
        }
        if (cur.length() > 0 && !cur.toString().isBlank()) cur.append(' ');
        cur.append(word);
      }
      out.add(cur.toString());
    }
    return out;
  }

  private static Graphics2D graphics(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setColor(SHEET);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    // nearest neighbour: the point of the preview is to see the real pixels
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(FONT);
    return g;
  }

  private static FontMetrics metrics() {
    Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
    g.setFont(FONT);
    FontMetrics fm = g.getFontMetrics();
    g.dispose();
    return fm;
  }
}
