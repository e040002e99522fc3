package dev.vlt.data.shapes;

/** The backdrop behind the objects: a dark base colour (packed 0xRRGGBB) and a low-contrast texture seeded by seed. */
public record Background(int rgb, Texture texture, long seed) {
  public enum Texture { PLAIN, NOISE, STRIPES, CHECKER, GRADIENT }
}
