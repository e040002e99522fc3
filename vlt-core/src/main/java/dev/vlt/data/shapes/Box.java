package dev.vlt.data.shapes;

/**
 * A pixel box: columns x0..x1-1 and rows y0..y1-1 (ends exclusive), i.e. the edges of the covered pixels in image coordinates.
 */
public record Box(int x0, int y0, int x1, int y1) {
  public Box {
    if (x1 <= x0 || y1 <= y0) throw new IllegalArgumentException("empty box [" + x0 + "," + y0 + "," + x1 + "," + y1 + "]");
  }

  public int width() {
    return x1 - x0;
  }

  public int height() {
    return y1 - y0;
  }

  public boolean contains(int x, int y) {
    return x >= x0 && x < x1 && y >= y0 && y < y1;
  }

  /** Whether the boxes come closer than gap pixels (touching counts as overlap for gap 0). */
  public boolean near(Box o, int gap) {
    return x0 < o.x1 + gap && o.x0 < x1 + gap && y0 < o.y1 + gap && o.y0 < y1 + gap;
  }

  public Box union(Box o) {
    return new Box(Math.min(x0, o.x0), Math.min(y0, o.y0), Math.max(x1, o.x1), Math.max(y1, o.y1));
  }

  /** [x0, y0, x1, y1] as floats, the layout box-regression heads use. */
  public float[] toArray() {
    return new float[] {x0, y0, x1, y1};
  }
}
