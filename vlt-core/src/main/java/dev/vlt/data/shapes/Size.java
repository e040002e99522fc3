package dev.vlt.data.shapes;

/** Object sizes; the radius is a fraction of the image side so that scenes look the same at any resolution. */
public enum Size {
  SMALL("small", 0.105),
  LARGE("large", 0.18);

  private final String word;
  private final double radiusFraction;

  Size(String word, double radiusFraction) {
    this.word = word;
    this.radiusFraction = radiusFraction;
  }

  public String word() {
    return word;
  }

  /** The outline radius in pixels for an image of the given side. */
  public double radius(int imageSize) {
    return radiusFraction * imageSize;
  }
}
