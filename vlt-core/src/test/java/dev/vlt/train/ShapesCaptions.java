package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.shapes.CaptionCheck;
import dev.vlt.data.shapes.Combo;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.tokenize.Tokenizer;
import java.util.List;

/** ShapesWorld samples as CoCa inputs, and the check that a caption names exactly a scene's objects. */
final class ShapesCaptions {
  private ShapesCaptions() {}

  /** Normalised pixels [B, 3, S, S]. */
  static NDArray images(NDManager m, List<ShapesSample> samples, PreprocessConfig pre) {
    return pixels(m, samples.stream().map(ShapesSample::pixels).toList(), pre);
  }

  /** Packed RGB images of the model's size → normalised pixels [B, 3, S, S]. */
  static NDArray pixels(NDManager m, List<int[]> rgb, PreprocessConfig pre) {
    int s = pre.imageSize();
    float[] all = new float[rgb.size() * 3 * s * s];
    for (int i = 0; i < rgb.size(); i++) {
      float[] one = pre.normalize(rgb.get(i));
      System.arraycopy(one, 0, all, i * one.length, one.length);
    }
    return m.create(all, new Shape(rgb.size(), 3, s, s));
  }

  /** Token ids [B, context] of the given texts. */
  static NDArray ids(NDManager m, Tokenizer tokenizer, List<String> texts) {
    long[][] rows = tokenizer.tokenize(texts);
    long[] flat = new long[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
    return m.create(flat, new Shape(rows.length, rows[0].length));
  }

  /** The colour-shape pairs a caption names, in order. */
  static List<Combo> named(String caption) {
    return CaptionCheck.named(caption);
  }

  /** The strict check of {@link CaptionCheck#describes}. */
  static boolean correct(String caption, ShapesSample sample) {
    return CaptionCheck.describes(caption, sample.scene());
  }
}
