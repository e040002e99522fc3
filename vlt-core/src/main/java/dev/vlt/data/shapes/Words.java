package dev.vlt.data.shapes;

import java.util.List;

/** Small pieces of English shared by captions, referring expressions and questions. */
final class Words {
  static final List<String> COUNTS = List.of("zero", "one", "two", "three", "four");

  private Words() {}

  /** "a small red circle", "an orange star". */
  static String a(String phrase) {
    return ("aeiou".indexOf(phrase.charAt(0)) >= 0 ? "an " : "a ") + phrase;
  }

  static String count(int n) {
    return COUNTS.get(n);
  }

  /** "x", "x and y", "x, y and z". */
  static String list(List<String> items) {
    if (items.size() == 1) return items.get(0);
    return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
  }

  static String colorShape(ShapeObject o) {
    return o.color().word() + " " + o.shape().word();
  }

  /** Where a on its own sits relative to b, by the larger of the horizontal and vertical offsets. */
  static String relation(ShapeObject a, ShapeObject b) {
    double dx = b.cx() - a.cx(), dy = b.cy() - a.cy();
    if (Math.abs(dx) >= Math.abs(dy)) return dx > 0 ? "to the left of" : "to the right of";
    return dy > 0 ? "above" : "below";
  }

  /** Which ninth of the image holds the object's centre: "in the top left", "at the top", "in the center", ... */
  static String region(ShapeObject o, int imageSize) {
    int col = third(o.cx(), imageSize), row = third(o.cy(), imageSize);
    String[] vertical = {"top", "", "bottom"};
    String[] horizontal = {"left", "", "right"};
    if (row == 1 && col == 1) return "in the center";
    if (row == 1) return "on the " + horizontal[col];
    if (col == 1) return "at the " + vertical[row];
    return "in the " + vertical[row] + " " + horizontal[col];
  }

  private static int third(double v, int size) {
    return Math.min(2, (int) (3 * v / size));
  }
}
