package dev.vlt.tokenize;

import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * The repairs of ftfy's {@code fix_text} (defaults, ftfy 6.3) that matter for captions, in ftfy's order and repeated until
 * the text stops changing: HTML references, terminal escapes, mojibake, C1 controls, Latin ligatures, full/half-width forms,
 * curly quotes, line breaks, lone surrogates, control characters, then NFC. Lines are fixed one at a time, as ftfy does.
 */
final class TextRepair {
  private static final Pattern TERMINAL_ESCAPE = Pattern.compile("\u001B\\[((?:\\d|;)*)([a-zA-Z])");
  private static final int MAX_ROUNDS = 16;

  private TextRepair() {}

  static String fix(String text) {
    // ftfy leaves references alone in text that looks like HTML markup
    boolean unescape = text.indexOf('<') < 0;
    if (text.indexOf('\n') < 0) return fixLine(text, unescape);
    StringBuilder out = new StringBuilder(text.length());
    for (int pos = 0; pos < text.length(); ) {
      int end = text.indexOf('\n', pos) + 1;
      if (end == 0) end = text.length();
      out.append(fixLine(text.substring(pos, end), unescape));
      pos = end;
    }
    return out.toString();
  }

  private static String fixLine(String text, boolean unescape) {
    for (int round = 0; round < MAX_ROUNDS; round++) {
      String before = text;
      if (unescape) text = HtmlEntities.ftfyUnescape(text);
      if (text.indexOf('\u001B') >= 0) text = TERMINAL_ESCAPE.matcher(text).replaceAll("");
      text = Mojibake.fix(text);
      text = mapChars(text);
      if (!Normalizer.isNormalized(text, Normalizer.Form.NFC)) text = Normalizer.normalize(text, Normalizer.Form.NFC);
      if (text.equals(before)) break;
    }
    return text;
  }

  /**
   * The character-by-character fixes in one pass: C1 controls read as Windows-1252, ligatures split, width forms narrowed,
   * quotes straightened, line breaks unified, lone surrogates replaced, control characters dropped.
   */
  static String mapChars(String text) {
    StringBuilder out = null;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
        if (out != null) out.append(c).append(text.charAt(i + 1)); // a proper pair is one character
        i++;
        continue;
      }
      String replacement = replacement(c);
      if (replacement == null) {
        if (out != null) out.append(c);
        continue;
      }
      if (out == null) out = new StringBuilder(n).append(text, 0, i);
      if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') i++; // CRLF is one line break
      out.append(replacement);
    }
    return out == null ? text : out.toString();
  }

  /** What ftfy turns a character (not part of a surrogate pair) into, or null to keep it. */
  private static String replacement(char c) {
    if (c < 0x80) {
      if (c == '\r') return "\n";
      return c < 0x20 && c != '\t' && c != '\n' && c != '\f' || c == 0x7F ? "" : null;
    }
    if (c <= 0x9F) return String.valueOf(Cp1252.decode(c)); // C1 controls were meant as Windows-1252
    if (c < 0x130) return null;
    if (Character.isSurrogate(c)) return "\uFFFD"; // a lone half of a pair
    if (c == 0x2BC || c >= 0x2018 && c <= 0x201B) return "'";
    if (c >= 0x201C && c <= 0x201F) return "\"";
    if (c == 0x2028 || c == 0x2029) return "\n";
    if (c >= 0x206A && c <= 0x206F || c == 0xFEFF || c >= 0xFFF9 && c <= 0xFFFC) return "";
    if (c == 0x3000) return " ";
    if (c >= 0xFF01 && c <= 0xFFEF) {
      String wide = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKC);
      return wide.equals(String.valueOf(c)) ? null : wide;
    }
    return ligature(c);
  }

  /** ftfy's LIGATURES: Latin typographic ligatures and legacy digraphs split into their letters (not æ or œ). */
  private static String ligature(char c) {
    return switch (c) {
      case 'Ĳ' -> "IJ";
      case 'ĳ' -> "ij";
      case 'ŉ' -> "ʼn";
      case 'Ǳ' -> "DZ";
      case 'ǲ' -> "Dz";
      case 'ǳ' -> "dz";
      case 'Ǆ' -> "DŽ";
      case 'ǅ' -> "Dž";
      case 'ǆ' -> "dž";
      case 'Ǉ' -> "LJ";
      case 'ǈ' -> "Lj";
      case 'ǉ' -> "lj";
      case 'Ǌ' -> "NJ";
      case 'ǋ' -> "Nj";
      case 'ǌ' -> "nj";
      case 'ﬀ' -> "ff";
      case 'ﬁ' -> "fi";
      case 'ﬂ' -> "fl";
      case 'ﬃ' -> "ffi";
      case 'ﬄ' -> "ffl";
      case 'ﬅ' -> "ſt";
      case 'ﬆ' -> "st";
      default -> null;
    };
  }
}
