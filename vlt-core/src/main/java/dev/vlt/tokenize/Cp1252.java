package dev.vlt.tokenize;

/**
 * "Sloppy" Windows-1252, as ftfy defines it: Windows-1252, with the five bytes it leaves undefined (0x81, 0x8D, 0x8F, 0x90,
 * 0x9D) decoding to the Latin-1 control characters of the same value, so that every byte round-trips.
 */
final class Cp1252 {
  /** Characters of bytes 0x80..0x9F; all other bytes are their Latin-1 character. */
  private static final String HIGH =
      "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F"
          + "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

  private Cp1252() {}

  static char decode(int b) {
    return b >= 0x80 && b <= 0x9F ? HIGH.charAt(b - 0x80) : (char) b;
  }

  /** The byte a character comes from in sloppy Windows-1252, or -1 if none does. */
  static int encode(char c) {
    if (c < 0x80 || c >= 0xA0 && c <= 0xFF) return c;
    int i = HIGH.indexOf(c);
    return i < 0 ? -1 : 0x80 + i;
  }

  /** The byte a character comes from in Latin-1, or -1. */
  static int encodeLatin1(char c) {
    return c <= 0xFF ? c : -1;
  }
}
