package dev.vlt.data.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Masks and boxes against the pixels: a plain Java2D render, the composite image and the background alone. */
class ShapesMaskTest {
  private static final int SIZE = 64;
  private final ShapesWorld world = new ShapesWorld();

  @Test
  void maskEqualsAStraightJava2dRenderOfTheObject() {
    for (int i = 0; i < 200; i++) {
      ShapesSample s = world.sample(Split.TRAIN, i);
      for (int k = 0; k < s.scene().size(); k++) {
        assertArrayEquals(referenceMask(s.scene().get(k)), s.mask(k), "sample " + i + " object " + k);
      }
    }
  }

  @Test
  void masksLieInTheirTightBoxesAndNeverOverlap() {
    for (int i = 0; i < 500; i++) {
      ShapesSample s = world.sample(Split.TRAIN, i);
      int[] owner = new int[SIZE * SIZE];
      for (int k = 0; k < s.scene().size(); k++) {
        Box b = s.scene().get(k).box();
        int minX = SIZE, minY = SIZE, maxX = -1, maxY = -1, area = 0;
        for (int p = 0; p < owner.length; p++) {
          if (!s.mask(k)[p]) continue;
          int x = p % SIZE, y = p / SIZE;
          // messages are built only on failure: these loops visit millions of pixels
          if (!b.contains(x, y)) fail("sample " + i + " object " + k + " pixel " + x + "," + y + " outside " + b);
          if (owner[p] != 0) fail("sample " + i + ": objects overlap at " + x + "," + y);
          owner[p] = k + 1;
          minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
          area++;
        }
        assertTrue(area > 20, "sample " + i + " object " + k + " has a " + area + "-pixel mask");
        // the box bounds the outline, so it is tight up to the thin tips (of stars) that cover under half a pixel
        assertTrue(minX - b.x0() <= 2 && minY - b.y0() <= 2 && b.x1() - 1 - maxX <= 2 && b.y1() - 1 - maxY <= 2,
            "sample " + i + " box " + b + " vs mask [" + minX + "," + minY + "," + maxX + "," + maxY + "]");
      }
    }
  }

  @Test
  void maskedPixelsLeanToTheObjectColourAndOthersToTheBackground() {
    Renderer renderer = new Renderer(SIZE);
    int[] bg = new int[SIZE * SIZE];
    for (int i = 0; i < 300; i++) {
      ShapesSample s = world.sample(Split.TRAIN, i);
      renderer.render(new Scene(List.of(), s.scene().background()), bg, null);
      boolean[] nearObject = new boolean[bg.length];
      for (int k = 0; k < s.scene().size(); k++) {
        Box b = s.scene().get(k).box();
        int c = s.scene().get(k).color().rgb();
        for (int y = Math.max(0, b.y0() - 1); y < Math.min(SIZE, b.y1() + 1); y++) {
          for (int x = Math.max(0, b.x0() - 1); x < Math.min(SIZE, b.x1() + 1); x++) {
            int p = y * SIZE + x;
            nearObject[p] = true;
            int toObject = distance(s.pixels()[p], c), toBackground = distance(s.pixels()[p], bg[p]);
            // a pixel at least half covered is at least as close to the object colour as to the background
            boolean leansRight = s.mask(k)[p] ? toObject <= toBackground + 3 : toBackground <= toObject + 3;
            if (!leansRight) fail("sample " + i + " object " + k + " at " + x + "," + y + " masked=" + s.mask(k)[p]);
          }
        }
      }
      for (int p = 0; p < bg.length; p++) if (!nearObject[p] && bg[p] != s.pixels()[p]) fail("sample " + i + " pixel " + p + " is not background");
    }
  }

  @Test
  void fullyCoveredPixelsHaveExactlyTheNamedColour() {
    ShapesSample s = world.sample(Split.TRAIN, 1);
    for (int k = 0; k < s.scene().size(); k++) {
      ShapeObject o = s.scene().get(k);
      int centre = (int) o.cy() * SIZE + (int) o.cx();
      assertEquals(o.color().rgb(), s.pixels()[centre], "object " + k + " centre pixel");
    }
    assertFalse(s.image().getRGB(0, 0) == 0, "image() reads the pixels");
    assertEquals(s.pixels()[5] & 0xFFFFFF, s.image().getRGB(5, 0) & 0xFFFFFF);
    byte[] bytes = s.rgbBytes();
    assertEquals((byte) (s.pixels()[7] >> 8), bytes[7 * 3 + 1]);
  }

  /** Coverage of at least half from an ordinary ARGB Java2D fill of the outline: what the mask claims to be. */
  private static boolean[] referenceMask(ShapeObject o) {
    BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.setColor(java.awt.Color.WHITE);
    g.fill(o.shape().outline(o.cx(), o.cy(), o.radius()));
    g.dispose();
    int[] argb = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
    boolean[] mask = new boolean[SIZE * SIZE];
    for (int p = 0; p < mask.length; p++) mask[p] = argb[p] >>> 24 >= 128;
    return mask;
  }

  private static int distance(int a, int b) {
    return Math.abs((a >> 16 & 0xFF) - (b >> 16 & 0xFF)) + Math.abs((a >> 8 & 0xFF) - (b >> 8 & 0xFF)) + Math.abs((a & 0xFF) - (b & 0xFF));
  }
}
