package dev.vlt.tokenize;

/**
 * GPT-2/CLIP's reversible byte-to-character table: printable Latin-1 bytes stand for themselves, the other 68 bytes (controls,
 * space, DEL, NBSP, soft hyphen) move to U+0100 and up, so every byte string reads as printable text without whitespace.
 */
final class ByteUnicode {
  /** Bytes in vocabulary order: the printable ones first (their own code point), then the rest in byte order. */
  static final int[] VOCAB_ORDER = new int[256];
  private static final char[] BYTE_TO_CHAR = new char[256];
  private static final int[] CHAR_TO_BYTE = new int[0x200];

  static {
    int k = 0;
    boolean[] printable = new boolean[256];
    for (int b = 0; b < 256; b++) printable[b] = b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE;
    for (int b = 0; b < 256; b++) if (printable[b]) { VOCAB_ORDER[k++] = b; BYTE_TO_CHAR[b] = (char) b; }
    int shifted = 0;
    for (int b = 0; b < 256; b++) if (!printable[b]) { VOCAB_ORDER[k++] = b; BYTE_TO_CHAR[b] = (char) (256 + shifted++); }
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    for (int b = 0; b < 256; b++) CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
  }

  private ByteUnicode() {}

  static char charOf(int b) {
    return BYTE_TO_CHAR[b & 0xFF];
  }

  /** The byte a character stands for, or -1 if it is not one of the 256 byte characters. */
  static int byteOf(char c) {
    return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
  }

  /** A byte string in the table's characters, e.g. "é" (C3 A9) → "Ã©". */
  static String encode(byte[] bytes, int from, int to) {
    char[] out = new char[to - from];
    for (int i = from; i < to; i++) out[i - from] = BYTE_TO_CHAR[bytes[i] & 0xFF];
    return new String(out);
  }
}
