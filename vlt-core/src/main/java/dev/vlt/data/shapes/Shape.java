package dev.vlt.data.shapes;

import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;

/** The shapes ShapesWorld draws. Each outline is centred on (cx, cy) and fits in a circle of radius r. */
public enum Shape {
  CIRCLE("circle", "circles"),
  SQUARE("square", "squares"),
  TRIANGLE("triangle", "triangles"),
  STAR("star", "stars"),
  HEXAGON("hexagon", "hexagons"),
  CROSS("cross", "crosses");

  private final String word;
  private final String plural;

  Shape(String word, String plural) {
    this.word = word;
    this.plural = plural;
  }

  public String word() {
    return word;
  }

  public String plural() {
    return plural;
  }

  /** Parses the caption word ("circle"), for configs and the command line. */
  public static Shape parse(String word) {
    for (Shape s : values()) if (s.word.equals(word)) return s;
    throw new IllegalArgumentException("unknown shape '" + word + "' (expected one of circle, square, triangle, star, hexagon, cross)");
  }

  /** The outline in pixel coordinates (y down). Polygons are upright so that "square" never reads as "diamond". */
  java.awt.Shape outline(double cx, double cy, double r) {
    return switch (this) {
      case CIRCLE -> new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
      // a square inscribed in the circle would look small beside the others; 0.85 r keeps the areas comparable
      case SQUARE -> polygon(cx, cy, 0.85 * r * Math.sqrt(2), 4, Math.PI / 4, 0);
      // the centroid of an upright triangle sits low; shifting by r/4 centres its bounding box on cy
      case TRIANGLE -> polygon(cx, cy + r / 4, r * 1.15, 3, -Math.PI / 2, 0);
      case STAR -> polygon(cx, cy + r * 0.05, r * 1.05, 5, -Math.PI / 2, 0.45);
      case HEXAGON -> polygon(cx, cy, r, 6, 0, 0);
      case CROSS -> cross(cx, cy, r * 0.95, r * 0.34);
    };
  }

  /** A regular polygon with n corners, or with innerRatio > 0 a star with n points alternating radius and innerRatio·radius. */
  private static Path2D polygon(double cx, double cy, double radius, int n, double start, double innerRatio) {
    Path2D.Double p = new Path2D.Double();
    int corners = innerRatio > 0 ? 2 * n : n;
    for (int k = 0; k < corners; k++) {
      double a = start + 2 * Math.PI * k / corners;
      double rad = innerRatio > 0 && k % 2 == 1 ? radius * innerRatio : radius;
      double x = cx + rad * Math.cos(a);
      double y = cy + rad * Math.sin(a);
      if (k == 0) p.moveTo(x, y); else p.lineTo(x, y);
    }
    p.closePath();
    return p;
  }

  /** A plus sign of half-length arm and half-thickness half. */
  private static Path2D cross(double cx, double cy, double arm, double half) {
    double[] xs = {-half, half, half, arm, arm, half, half, -half, -half, -arm, -arm, -half};
    double[] ys = {-arm, -arm, -half, -half, half, half, arm, arm, half, half, -half, -half};
    Path2D.Double p = new Path2D.Double();
    p.moveTo(cx + xs[0], cy + ys[0]);
    for (int k = 1; k < xs.length; k++) p.lineTo(cx + xs[k], cy + ys[k]);
    p.closePath();
    return p;
  }
}
