package dev.vlt.data.shapes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads ShapesWorld language back against a scene, written apart from the generator so that tests compare two
 * implementations: what a phrase refers to, and what the answer to a question is.
 */
final class SceneOracle {
  static final String COLOR = "(red|green|blue|yellow|purple|orange|white)";
  static final String SHAPE = "(circle|square|triangle|star|hexagon|cross)";
  /** An object mention in a caption: optional size, colour, shape. */
  static final Pattern MENTION = Pattern.compile("(?:(small|large) )?" + COLOR + " " + SHAPE);

  private SceneOracle() {}

  /**
   * The objects a referring expression picks out: attribute words filter, then "larger/smaller" (a pair), "on the left"
   * (a pair) or "leftmost" (three or more) choose the extreme, which must win by margin pixels. Empty if unclear.
   */
  static List<Integer> resolve(String text, Scene scene, double margin) {
    List<String> w = new ArrayList<>(List.of(text.split(" ")));
    if (!w.remove(0).equals("the")) return List.of();
    String selector = null;
    String tail = String.join(" ", w);
    for (String pos : List.of(" on the left", " on the right", " at the top", " at the bottom")) {
      if (tail.endsWith(pos)) {
        selector = pos.trim();
        tail = tail.substring(0, tail.length() - pos.length());
      }
    }
    w = new ArrayList<>(List.of(tail.split(" ")));
    if (List.of("larger", "smaller", "leftmost", "rightmost", "topmost", "bottommost").contains(w.get(0))) selector = w.remove(0);
    List<Integer> candidates = new ArrayList<>();
    for (int i = 0; i < scene.size(); i++) {
      ShapeObject o = scene.get(i);
      boolean ok = true;
      for (String word : w) {
        ok &= switch (word) {
          case "small", "large" -> o.size().word().equals(word);
          case "shape" -> true;
          default -> word.equals(o.color().word()) || word.equals(o.shape().word());
        };
      }
      if (ok) candidates.add(i);
    }
    if (selector == null) return candidates;
    boolean pairForm = selector.startsWith("on") || selector.startsWith("at") || selector.endsWith("er");
    if (pairForm ? candidates.size() != 2 : candidates.size() < 3) return List.of();
    ToDoubleFunction<ShapeObject> key = switch (selector) {
      case "larger" -> ShapeObject::radius;
      case "smaller" -> o -> -o.radius();
      case "on the left", "leftmost" -> o -> -o.cx();
      case "on the right", "rightmost" -> ShapeObject::cx;
      case "at the top", "topmost" -> o -> -o.cy();
      default -> ShapeObject::cy;
    };
    List<Integer> sorted = new ArrayList<>(candidates);
    sorted.sort(Comparator.comparingDouble(i -> -key.applyAsDouble(scene.get(i))));
    double best = key.applyAsDouble(scene.get(sorted.get(0))), second = key.applyAsDouble(scene.get(sorted.get(1)));
    boolean clear = selector.endsWith("er") ? scene.get(sorted.get(0)).size() != scene.get(sorted.get(1)).size() : best - second >= margin;
    return clear ? List.of(sorted.get(0)) : List.of();
  }

  /** The answer to a question, computed from the scene; throws for a question it cannot parse or that is ambiguous. */
  static String answer(String q, Scene scene) {
    List<ShapeObject> objs = scene.objects();
    Matcher m;
    if (q.equals("how many shapes are there?")) return count(objs.size());
    if ((m = match("what color is the " + SHAPE + "\\?", q)) != null) return only(objs, null, m.group(1)).color().word();
    if ((m = match("what shape is the " + COLOR + " one\\?", q)) != null) return only(objs, m.group(1), null).shape().word();
    if ((m = match("what size is the " + COLOR + " " + SHAPE + "\\?", q)) != null) return only(objs, m.group(1), m.group(2)).size().word();
    if ((m = match("is there an? " + COLOR + " " + SHAPE + "\\?", q)) != null) {
      String c = m.group(1), s = m.group(2);
      return objs.stream().anyMatch(o -> o.color().word().equals(c) && o.shape().word().equals(s)) ? "yes" : "no";
    }
    if ((m = match("how many (\\w+) are there\\?", q)) != null) {
      String plural = m.group(1);
      return count((int) objs.stream().filter(o -> o.shape().plural().equals(plural)).count());
    }
    if ((m = match("is the " + COLOR + " " + SHAPE + " to the left of the " + COLOR + " " + SHAPE + "\\?", q)) != null) {
      return only(objs, m.group(1), m.group(2)).cx() < only(objs, m.group(3), m.group(4)).cx() ? "yes" : "no";
    }
    throw new AssertionError("unparsed question: " + q);
  }

  private static Matcher match(String regex, String q) {
    Matcher m = Pattern.compile(regex).matcher(q);
    return m.matches() ? m : null;
  }

  private static ShapeObject only(List<ShapeObject> objs, String color, String shape) {
    List<ShapeObject> hits = objs.stream()
        .filter(o -> (color == null || o.color().word().equals(color)) && (shape == null || o.shape().word().equals(shape)))
        .toList();
    if (hits.size() != 1) throw new AssertionError("question names " + hits.size() + " objects: " + color + " " + shape);
    return hits.get(0);
  }

  private static String count(int n) {
    return new String[] {"zero", "one", "two", "three", "four"}[n];
  }

  /** The (size?, colour, shape) mentions in a caption, as "size colour shape" or "colour shape", in order. */
  static List<String> mentions(String caption) {
    List<String> out = new ArrayList<>();
    Matcher m = MENTION.matcher(caption);
    while (m.find()) out.add(m.group(1) == null ? m.group(2) + " " + m.group(3) : m.group(1) + " " + m.group(2) + " " + m.group(3));
    return out;
  }
}
