package dev.vlt.data.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Referring expressions. For each object it lists every phrasing that singles it out — by attributes ("the red circle"),
 * by comparison within a pair ("the larger square") or by an extreme position among look-alikes ("the red circle on the
 * left") — and picks one at random, so grounding sees varied language. Positions count only when the target beats every
 * rival by a clear margin.
 */
final class Referring {
  private Referring() {}

  /** At most one expression per object; an object that no phrasing can single out (rare) gets none. */
  static List<ReferringExpression> of(Scene scene, int imageSize, SplittableRandom r) {
    List<ReferringExpression> out = new ArrayList<>();
    for (int i = 0; i < scene.size(); i++) {
      List<String> forms = forms(scene, i, margin(imageSize));
      if (!forms.isEmpty()) out.add(new ReferringExpression(forms.get(r.nextInt(forms.size())), i));
    }
    return out;
  }

  /** Pixels by which a position must win to count as "on the left": about a sixteenth of the image. */
  static double margin(int imageSize) {
    return Math.max(2, imageSize / 16.0);
  }

  static List<String> forms(Scene scene, int target, double margin) {
    ShapeObject t = scene.get(target);
    List<String> forms = new ArrayList<>();
    // attribute subsets, as bits: 1 = size, 2 = colour, 4 = shape
    for (int bits = 1; bits < 8; bits++) {
      List<ShapeObject> rivals = rivals(scene, target, bits);
      String noun = noun(t, bits);
      if (rivals.isEmpty()) {
        forms.add("the " + noun);
      } else if ((bits & 1) == 0) {
        comparative(t, rivals, noun, forms);
        spatial(t, rivals, noun, margin, forms);
      }
    }
    return forms;
  }

  /** The other objects that share the target's attributes selected by bits. */
  private static List<ShapeObject> rivals(Scene scene, int target, int bits) {
    ShapeObject t = scene.get(target);
    List<ShapeObject> out = new ArrayList<>();
    for (int j = 0; j < scene.size(); j++) {
      ShapeObject o = scene.get(j);
      if (j == target) continue;
      if ((bits & 1) != 0 && o.size() != t.size()) continue;
      if ((bits & 2) != 0 && o.color() != t.color()) continue;
      if ((bits & 4) != 0 && o.shape() != t.shape()) continue;
      out.add(o);
    }
    return out;
  }

  /** "large red circle", "red shape", "square": the attributes in bits, with "shape" standing in for a missing shape. */
  private static String noun(ShapeObject t, int bits) {
    StringBuilder s = new StringBuilder();
    if ((bits & 1) != 0) s.append(t.size().word()).append(' ');
    if ((bits & 2) != 0) s.append(t.color().word()).append(' ');
    return s.append((bits & 4) != 0 ? t.shape().word() : "shape").toString();
  }

  /** "the larger square" when the target and its single rival differ in size class. */
  private static void comparative(ShapeObject t, List<ShapeObject> rivals, String noun, List<String> forms) {
    if (rivals.size() == 1 && rivals.get(0).size() != t.size()) {
      forms.add("the " + (t.size() == Size.LARGE ? "larger " : "smaller ") + noun);
    }
  }

  private static void spatial(ShapeObject t, List<ShapeObject> rivals, String noun, double margin, List<String> forms) {
    boolean pair = rivals.size() == 1;
    extreme(t, rivals, o -> -o.cx(), margin, pair ? "the " + noun + " on the left" : "the leftmost " + noun, forms);
    extreme(t, rivals, ShapeObject::cx, margin, pair ? "the " + noun + " on the right" : "the rightmost " + noun, forms);
    extreme(t, rivals, o -> -o.cy(), margin, pair ? "the " + noun + " at the top" : "the topmost " + noun, forms);
    extreme(t, rivals, ShapeObject::cy, margin, pair ? "the " + noun + " at the bottom" : "the bottommost " + noun, forms);
  }

  /** Adds phrase when key(target) exceeds key(rival) by at least margin for every rival. */
  private static void extreme(ShapeObject t, List<ShapeObject> rivals, ToDoubleFunction<ShapeObject> key, double margin,
      String phrase, List<String> forms) {
    for (ShapeObject o : rivals) if (key.applyAsDouble(t) - key.applyAsDouble(o) < margin) return;
    forms.add(phrase);
  }
}
