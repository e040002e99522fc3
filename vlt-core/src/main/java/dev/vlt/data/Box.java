package dev.vlt.data;

/** An axis-aligned box in source-image pixels, corners (x0, y0) inclusive and (x1, y1) exclusive, with an optional name. */
public record Box(float x0, float y0, float x1, float y1, String label) {
  public Box {
    if (!(x1 >= x0 && y1 >= y0)) throw new IllegalArgumentException("box corners out of order: " + x0 + "," + y0 + "," + x1 + "," + y1);
  }

  public float width() {
    return x1 - x0;
  }

  public float height() {
    return y1 - y0;
  }
}
