package dev.vlt.tokenize;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Repairs UTF-8 text that was decoded as Latin-1 or Windows-1252 ("cafÃ©" → "café", "Iâ€™m" → "I’m"), the mojibake that
 * real scraped captions carry. A subset of ftfy's {@code fix_encoding}: ftfy also tries other code pages and scores the
 * candidates with a large "badness" expression; here the text must show one of the unmistakable patterns below, and the
 * re-decoding must be valid UTF-8, so correct accented text is left alone.
 */
final class Mojibake {
  private Mojibake() {}

  /** Fixes the text until it stops changing (double-encoded text needs two rounds). */
  static String fix(String text) {
    for (int round = 0; round < 4 && isBad(text); round++) {
      String fixed = fixOnce(text);
      if (fixed.equals(text)) break;
      text = fixed;
    }
    return text;
  }

  /**
   * True where the text holds a sequence that is almost only ever mojibake: a C1 control character, or a lead character of a
   * UTF-8 sequence read as Windows-1252 (Â Ã Ð Ñ Î Ï, â with two continuation characters, ð Ÿ with two) followed by the
   * continuation characters it needs.
   */
  static boolean isBad(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x80 && c <= 0x9F) return true;
      if (c >= 0xC2 && badSequenceLength(text, i) > 0) return true;
    }
    return false;
  }

  /** Length of the suspicious sequence starting at {@code i}, or 0. */
  private static int badSequenceLength(String text, int i) {
    char c = text.charAt(i);
    switch (c) {
      case 'Â', 'Ã', 'Ð', 'Ñ', 'Î', 'Ï':
        return isContinuation(text, i + 1) ? 2 : 0;
      case 'â':
        // E2 80..9F xx: general punctuation, currency, letter-like symbols, arrows, dingbats
        return i + 2 < text.length() && continuationByte(text.charAt(i + 1)) < 0xA0 && isContinuation(text, i + 1)
            && isContinuation(text, i + 2) ? 3 : 0;
      case 'ð':
        // F0 9F xx xx: emoji
        return i + 3 < text.length() && text.charAt(i + 1) == 'Ÿ' && isContinuation(text, i + 2) && isContinuation(text, i + 3) ? 4 : 0;
      default:
        return 0;
    }
  }

  private static boolean isContinuation(String text, int i) {
    return i < text.length() && continuationByte(text.charAt(i)) >= 0;
  }

  /** The byte 0x80..0xBF a character stands for in sloppy Windows-1252, or -1. */
  private static int continuationByte(char c) {
    int b = Cp1252.encode(c);
    return b >= 0x80 && b <= 0xBF ? b : -1;
  }

  /** One step of ftfy's plan: the whole text through Latin-1 or Windows-1252, else each suspicious run on its own. */
  static String fixOnce(String text) {
    for (boolean latin1 : new boolean[] {true, false}) {
      byte[] bytes = encodeAll(text, latin1);
      if (bytes == null) continue;
      String decoded = decodeStrict(bytes, 0, bytes.length);
      if (decoded != null) return decoded;
    }
    return fixRuns(text);
  }

  /** ftfy's {@code decode_inconsistent_utf8}: re-decodes the suspicious runs inside otherwise correct text. */
  private static String fixRuns(String text) {
    StringBuilder out = null;
    int copied = 0;
    for (int i = 0; i < text.length(); ) {
      int len = text.charAt(i) >= 0xC2 ? badSequenceLength(text, i) : 0;
      if (len == 0) {
        i++;
        continue;
      }
      int end = i + len;
      while (end < text.length() && text.charAt(end) >= 0xC2 && badSequenceLength(text, end) > 0) end += badSequenceLength(text, end);
      byte[] bytes = encodeAll(text.substring(i, end), false);
      String decoded = bytes == null ? null : decodeStrict(bytes, 0, bytes.length);
      if (decoded != null) {
        if (out == null) out = new StringBuilder(text.length());
        out.append(text, copied, i).append(decoded);
        copied = end;
      }
      i = end;
    }
    return out == null ? text : out.append(text, copied, text.length()).toString();
  }

  private static byte[] encodeAll(String text, boolean latin1) {
    byte[] bytes = new byte[text.length()];
    for (int i = 0; i < text.length(); i++) {
      int b = latin1 ? Cp1252.encodeLatin1(text.charAt(i)) : Cp1252.encode(text.charAt(i));
      if (b < 0) return null;
      bytes[i] = (byte) b;
    }
    return bytes;
  }

  private static String decodeStrict(byte[] bytes, int from, int to) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, from, to - from))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
