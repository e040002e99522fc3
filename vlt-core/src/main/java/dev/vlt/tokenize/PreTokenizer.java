package dev.vlt.tokenize;

/**
 * CLIP's pre-tokenizer as a hand-written scanner, equivalent to open_clip's pattern (regex module, IGNORECASE)
 * {@code <start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+}: at each position the
 * first alternative that matches wins and the runs are greedy, so there is no backtracking to worry about.
 */
final class PreTokenizer {
  static final String SOT_LITERAL = "<start_of_text>";
  static final String EOT_LITERAL = "<end_of_text>";
  private static final byte SPACE = 0, LETTER = 1, NUMBER = 2, OTHER = 3;
  private static final byte[] ASCII = new byte[128];

  static {
    for (int c = 0; c < 128; c++) ASCII[c] = classify(c);
  }

  /** Receives each pre-token as a [start, end) span of the text; returns false to stop the scan. */
  interface Sink {
    boolean accept(int start, int end);
  }

  private PreTokenizer() {}

  static void split(String s, Sink sink) {
    int n = s.length();
    int i = 0;
    while (i < n) {
      int c = s.charAt(i);
      byte cls = c < 128 ? ASCII[c] : classify(s.codePointAt(i));
      if (cls == SPACE) {
        i += c < 128 ? 1 : Character.charCount(s.codePointAt(i));
        continue;
      }
      int end;
      if (c == '<' && (end = special(s, i)) > 0) {
        // the literal special tokens come first in the pattern
      } else if (c == '\'' && (end = contraction(s, i)) > 0) {
        // 's 't 're 've 'm 'll 'd
      } else if (cls == LETTER) {
        end = runEnd(s, i, LETTER);
      } else if (cls == NUMBER) {
        end = i + Character.charCount(s.codePointAt(i)); // digits are single tokens
      } else {
        end = runEnd(s, i, OTHER);
      }
      if (!sink.accept(i, end)) return;
      i = end;
    }
  }

  private static int runEnd(String s, int i, byte cls) {
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c < 128) {
        if (ASCII[c] != cls) break;
        i++;
      } else {
        int cp = s.codePointAt(i);
        if (classify(cp) != cls) break;
        i += Character.charCount(cp);
      }
    }
    return i;
  }

  private static int special(String s, int i) {
    if (s.regionMatches(true, i, SOT_LITERAL, 0, SOT_LITERAL.length())) return i + SOT_LITERAL.length();
    if (s.regionMatches(true, i, EOT_LITERAL, 0, EOT_LITERAL.length())) return i + EOT_LITERAL.length();
    return -1;
  }

  private static int contraction(String s, int i) {
    if (i + 1 >= s.length()) return -1;
    char a = s.charAt(i + 1);
    if (same(a, 's') || same(a, 't') || same(a, 'm') || same(a, 'd')) return i + 2;
    if (i + 2 < s.length()) {
      char b = s.charAt(i + 2);
      if (same(a, 'r') && same(b, 'e') || same(a, 'v') && same(b, 'e') || same(a, 'l') && same(b, 'l')) return i + 3;
    }
    return -1;
  }

  /** Case-insensitive as the regex module's simple case folding: 'ſ' folds to 's'. */
  private static boolean same(char c, char lower) {
    return c == lower || c == lower - 32 || lower == 's' && c == 'ſ';
  }

  private static byte classify(int cp) {
    if (TextCleaner.isPythonSpace(cp)) return SPACE;
    return switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER, Character.MODIFIER_LETTER,
          Character.OTHER_LETTER -> LETTER;
      case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
      default -> OTHER;
    };
  }
}
