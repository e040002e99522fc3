package dev.vlt.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vlt.data.shapes.Color;
import dev.vlt.data.shapes.Combo;
import dev.vlt.data.shapes.ShapeObject;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/** ShapesWorld samples as CoCa inputs, and the check that a caption names exactly a scene's objects. */
final class ShapesCaptions {
  private ShapesCaptions() {}

  /** Normalised pixels [B, 3, S, S]. */
  static NDArray images(NDManager m, List<ShapesSample> samples, PreprocessConfig pre) {
    int s = samples.get(0).imageSize();
    float[] all = new float[samples.size() * 3 * s * s];
    for (int i = 0; i < samples.size(); i++) {
      float[] one = pre.normalize(samples.get(i).pixels());
      System.arraycopy(one, 0, all, i * one.length, one.length);
    }
    return m.create(all, new Shape(samples.size(), 3, s, s));
  }

  /** Token ids [B, context] of the given texts. */
  static NDArray ids(NDManager m, Tokenizer tokenizer, List<String> texts) {
    long[][] rows = tokenizer.tokenize(texts);
    long[] flat = new long[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
    return m.create(flat, new Shape(rows.length, rows[0].length));
  }

  /** The colour-shape pairs a caption names, in order ("a small red circle and a blue star" → red circle, blue star). */
  static List<Combo> named(String caption) {
    List<Combo> out = new ArrayList<>();
    String[] w = caption.trim().split("[\\s,:]+");
    for (int i = 0; i + 1 < w.length; i++) {
      for (Color c : Color.values()) {
        if (!c.word().equals(w[i])) continue;
        for (dev.vlt.data.shapes.Shape s : dev.vlt.data.shapes.Shape.values()) if (s.word().equals(w[i + 1])) out.add(new Combo(c, s));
      }
    }
    return out;
  }

  /** True when the caption names every object of the scene once and nothing else (order free). */
  static boolean correct(String caption, ShapesSample sample) {
    List<Combo> named = new ArrayList<>(named(caption));
    if (named.size() != sample.scene().size()) return false;
    for (ShapeObject o : sample.scene().objects()) if (!named.remove(o.combo())) return false;
    return true;
  }
}
