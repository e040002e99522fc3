package dev.vlt.data.shapes;

/** The named object colours: far apart in RGB and from the dark backgrounds, so that a colour word names one look. */
public enum Color {
  RED("red", 0xE02828),
  GREEN("green", 0x2EB83C),
  BLUE("blue", 0x3060F0),
  YELLOW("yellow", 0xF0DC28),
  PURPLE("purple", 0x9A3CD0),
  ORANGE("orange", 0xF58C1E),
  WHITE("white", 0xF5F5F5);

  private final String word;
  private final int rgb;

  Color(String word, int rgb) {
    this.word = word;
    this.rgb = rgb;
  }

  public String word() {
    return word;
  }

  /** Packed 0xRRGGBB. */
  public int rgb() {
    return rgb;
  }

  public static Color parse(String word) {
    for (Color c : values()) if (c.word.equals(word)) return c;
    throw new IllegalArgumentException("unknown colour '" + word + "' (expected one of red, green, blue, yellow, purple, orange, white)");
  }
}
