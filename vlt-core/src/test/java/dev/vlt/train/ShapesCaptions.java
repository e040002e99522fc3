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

  /**
   * True when the caption is a well-formed list of the scene's objects, each once, and nothing else: after the articles,
   * "and" and the size words, only colour-shape pairs remain, and they are exactly the scene's combinations (order free).
   * "a small white white triangle" or "a red triangle star" is wrong even though it contains the right pair.
   */
  static boolean correct(String caption, ShapesSample sample) {
    List<String> words = new ArrayList<>();
    for (String w : caption.trim().split("[\\s,:]+")) {
      if (!w.isEmpty() && !List.of("a", "an", "and", "small", "large").contains(w)) words.add(w);
    }
    List<Combo> named = named(caption);
    if (words.size() != 2 * named.size() || named.size() != sample.scene().size()) return false;
    for (int i = 0; i < named.size(); i++) {
      if (!words.get(2 * i).equals(named.get(i).color().word()) || !words.get(2 * i + 1).equals(named.get(i).shape().word())) return false;
    }
    List<Combo> left = new ArrayList<>(named);
    for (ShapeObject o : sample.scene().objects()) if (!left.remove(o.combo())) return false;
    return true;
  }
}
