package dev.vlt.cli;

import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Image files → packed RGB at a model's size, simply: the raw samples as RGB (gray replicated, alpha dropped, as PIL's
 * convert('RGB')), a centre crop to a square, then a bilinear resize.
 *
 * TODO(lead): replace with dev.vlt.data.image.EvalTransform (PIL-exact resize + crop) once branch data is merged; this
 * resize is not antialiased and moves features by ~3e-2 on downscaled photos (fixtures README).
 */
final class SimpleImages {
  private SimpleImages() {}

  /** [size·size] packed 0xRRGGBB, row-major. */
  static int[] read(Path file, int size) throws IOException {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("image " + file + " does not exist");
    BufferedImage img = ImageIO.read(file.toFile());
    if (img == null) throw new IllegalArgumentException(file + " is not an image ImageIO can read");
    BufferedImage rgb = toRgb(img);
    int side = Math.min(rgb.getWidth(), rgb.getHeight());
    BufferedImage square = rgb.getSubimage((rgb.getWidth() - side) / 2, (rgb.getHeight() - side) / 2, side, side);
    BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    var g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(square, 0, 0, size, size, null);
    g.dispose();
    return out.getRGB(0, 0, size, size, null, 0, size);
  }

  /** Raw samples as TYPE_INT_RGB: getRGB would colour-convert gray images (off by up to 73 levels). */
  private static BufferedImage toRgb(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    if (img.getColorModel() instanceof IndexColorModel) {
      for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) out.setRGB(x, y, img.getRGB(x, y) & 0xFFFFFF);
      return out;
    }
    Raster r = img.getRaster();
    int bands = r.getNumBands();
    int shift = Math.max(0, r.getSampleModel().getSampleSize(0) - 8);    // 16-bit PNGs: keep the high byte
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int red = r.getSample(x, y, 0) >> shift;
        int green = bands >= 3 ? r.getSample(x, y, 1) >> shift : red;
        int blue = bands >= 3 ? r.getSample(x, y, 2) >> shift : red;
        out.setRGB(x, y, red << 16 | green << 8 | blue);
      }
    }
    return out;
  }
}
