package dev.vlt.tokenize;

import java.util.Locale;

/**
 * open_clip's text cleaning: ftfy-style repair ({@link TextRepair}), HTML unescape twice (Python's rules), strip, collapse
 * whitespace runs to one space (Python's {@code str.split} notion of whitespace), then optionally lower-case.
 */
public final class TextCleaner {
  private TextCleaner() {}

  public static String clean(String text, boolean lowercase) {
    if (isPlainAscii(text)) return cleanPlainAscii(text, lowercase);
    String s = TextRepair.fix(text);
    s = HtmlEntities.pythonUnescape(HtmlEntities.pythonUnescape(s));
    s = collapseWhitespace(s);
    return lowercase ? s.toLowerCase(Locale.ROOT) : s;
  }

  /** Printable ASCII and ordinary whitespace without '&': nothing for ftfy or the HTML unescape to change. */
  private static boolean isPlainAscii(String text) {
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 ? c >= 0x7F || c == '&' : c != '\t' && c != '\n' && c != '\f' && c != '\r') return false;
    }
    return true;
  }

  private static String cleanPlainAscii(String text, boolean lowercase) {
    char[] out = new char[text.length()];
    int len = 0;
    boolean pendingSpace = false;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c <= ' ') {
        pendingSpace = len > 0;
        continue;
      }
      if (pendingSpace) {
        out[len++] = ' ';
        pendingSpace = false;
      }
      out[len++] = lowercase && c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
    return len == text.length() ? (lowercase ? new String(out) : text) : new String(out, 0, len);
  }

  /** {@code " ".join(text.split())}. */
  static String collapseWhitespace(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean pendingSpace = false;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (isPythonSpace(c)) {
        pendingSpace = out.length() > 0;
        continue;
      }
      if (pendingSpace) {
        out.append(' ');
        pendingSpace = false;
      }
      out.append(c);
    }
    return out.toString();
  }

  /** Python's {@code str.isspace}: bidirectional class WS, B or S, or general category Zs. */
  static boolean isPythonSpace(int c) {
    if (c <= 0x20) return c == ' ' || c >= 0x09 && c <= 0x0D || c >= 0x1C && c <= 0x1F;
    if (c < 0x85) return false;
    return c == 0x85 || c == 0xA0 || c == 0x1680 || c >= 0x2000 && c <= 0x200A || c == 0x2028 || c == 0x2029 || c == 0x202F
        || c == 0x205F || c == 0x3000;
  }
}
