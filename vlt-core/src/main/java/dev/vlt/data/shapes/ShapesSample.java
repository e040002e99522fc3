package dev.vlt.data.shapes;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.util.List;

/**
 * One ShapesWorld image with everything every task needs.
 *
 * @param pixels [imageSize·imageSize] packed 0xRRGGBB, row-major (y, then x)
 * @param masks [objects][imageSize·imageSize]: masks[i][y·imageSize + x] is true where object i covers at least half the pixel
 * @param captions the phrasings of {@link Captions#of}, all naming every object
 * @param referring at most one expression per object (see {@link ReferringExpression#target()})
 * @param label the class of object 0 (colour-major, see {@link Combo#label()}); for one-object scenes, the image's class
 */
public record ShapesSample(Split split, long index, Scene scene, int imageSize, int[] pixels, boolean[][] masks,
    List<String> captions, List<ReferringExpression> referring, List<QuestionAnswer> questions, int label) {

  /** The first phrasing: every object with its size ("a small red circle and a large blue square"). */
  public String caption() {
    return captions.get(0);
  }

  /** "red circle": the name of {@link #label()}. */
  public String className() {
    return Combo.all().get(label).name();
  }

  public boolean[] mask(int object) {
    return masks[object];
  }

  /** The image as a TYPE_INT_RGB BufferedImage sharing {@link #pixels()} (no copy). */
  public BufferedImage image() {
    return wrap(pixels, imageSize, imageSize);
  }

  /** [imageSize, imageSize, 3] RGB bytes, row-major (HWC): the layout image preprocessing takes. */
  public byte[] rgbBytes() {
    return rgbBytes(pixels);
  }

  /** Packed 0xRRGGBB pixels as interleaved RGB bytes. */
  static byte[] rgbBytes(int[] pixels) {
    byte[] out = new byte[pixels.length * 3];
    for (int p = 0, q = 0; p < pixels.length; p++) {
      int v = pixels[p];
      out[q++] = (byte) (v >> 16);
      out[q++] = (byte) (v >> 8);
      out[q++] = (byte) v;
    }
    return out;
  }

  /** Wraps a packed 0xRRGGBB array [height·width] as a TYPE_INT_RGB image without copying. */
  static BufferedImage wrap(int[] rgb, int width, int height) {
    DirectColorModel cm = new DirectColorModel(24, 0xFF0000, 0xFF00, 0xFF);
    var sm = new SinglePixelPackedSampleModel(DataBufferInt.TYPE_INT, width, height, cm.getMasks());
    var raster = Raster.createWritableRaster(sm, new DataBufferInt(rgb, rgb.length), null);
    return new BufferedImage(cm, raster, false, null);
  }
}
