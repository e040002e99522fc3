package dev.vlt.data.shapes;

import java.util.ArrayList;
import java.util.List;

/** Whether a generated caption is right for a scene: the strict check every captioning evaluation on ShapesWorld uses. */
public final class CaptionCheck {
  private static final List<String> FILLER = List.of("a", "an", "and", "small", "large");

  private CaptionCheck() {}

  /** The colour-shape pairs a caption names, in order ("a small red circle and a blue star" → red circle, blue star). */
  public static List<Combo> named(String caption) {
    List<Combo> out = new ArrayList<>();
    String[] w = caption.trim().split("[\\s,:]+");
    for (int i = 0; i + 1 < w.length; i++) {
      for (Color c : Color.values()) {
        if (!c.word().equals(w[i])) continue;
        for (Shape s : Shape.values()) if (s.word().equals(w[i + 1])) out.add(new Combo(c, s));
      }
    }
    return out;
  }

  /**
   * True when the caption is a well-formed list of the scene's objects, each once, and nothing else: after the articles,
   * "and" and the size words, only colour-shape pairs remain, and they are exactly the scene's combinations (order free).
   * "a small white white triangle" or "a red triangle star" is wrong even though it contains the right pair.
   */
  public static boolean describes(String caption, Scene scene) {
    List<String> words = new ArrayList<>();
    for (String w : caption.trim().split("[\\s,:]+")) {
      if (!w.isEmpty() && !FILLER.contains(w)) words.add(w);
    }
    List<Combo> named = named(caption);
    if (words.size() != 2 * named.size() || named.size() != scene.size()) return false;
    for (int i = 0; i < named.size(); i++) {
      if (!words.get(2 * i).equals(named.get(i).color().word()) || !words.get(2 * i + 1).equals(named.get(i).shape().word())) return false;
    }
    List<Combo> left = new ArrayList<>(named);
    for (ShapeObject o : scene.objects()) if (!left.remove(o.combo())) return false;
    return true;
  }
}
