package dev.vlt.data.shapes;

/**
 * One drawn object. (cx, cy) is the outline centre and radius its size in pixels (y down); box bounds the outline, so every
 * pixel the object covers lies inside it.
 */
public record ShapeObject(Shape shape, Color color, Size size, Box box, double cx, double cy, double radius) {
  /** Places an object and derives its box from the outline the renderer will fill, clipped to the image. */
  public static ShapeObject place(Shape shape, Color color, Size size, double cx, double cy, double radius, int imageSize) {
    java.awt.geom.Rectangle2D b = shape.outline(cx, cy, radius).getBounds2D();
    Box box = new Box(
        clamp((int) Math.floor(b.getMinX()), imageSize - 1), clamp((int) Math.floor(b.getMinY()), imageSize - 1),
        clamp((int) Math.ceil(b.getMaxX()), imageSize), clamp((int) Math.ceil(b.getMaxY()), imageSize));
    return new ShapeObject(shape, color, size, box, cx, cy, radius);
  }

  private static int clamp(int v, int max) {
    return Math.max(0, Math.min(max, v));
  }

  public Combo combo() {
    return new Combo(color, shape);
  }

  /** "small red circle". */
  public String describe() {
    return size.word() + " " + color.word() + " " + shape.word();
  }

  ShapeObject withColor(Color c) {
    return new ShapeObject(shape, c, size, box, cx, cy, radius);
  }
}
