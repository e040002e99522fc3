package dev.vlt.tokenize;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * HTML character references, decoded the two ways open_clip's cleaning does: Python's {@code html.unescape} (numeric
 * references with its replacement rules, the HTML5 names, legacy names without ';' and the longest-prefix rule) and ftfy's
 * stricter {@code unescape_html} (only {@code &name;} / {@code &#n;} with the semicolon, plus upper-cased names).
 */
final class HtmlEntities {
  private static final Map<String, String> NAMED = load();
  private static final int MAX_NAME = 32; // Python's pattern takes at most 32 name characters

  private HtmlEntities() {}

  /** Python's {@code html.unescape}. */
  static String pythonUnescape(String s) {
    return replaceReferences(s, HtmlEntities::pythonReferenceEnd, ref -> replaceReference(ref.substring(1)));
  }

  /** ftfy's {@code unescape_html}: references of the form {@code &#?[0-9A-Za-z]{1,24};} only. */
  static String ftfyUnescape(String s) {
    return replaceReferences(s, HtmlEntities::ftfyReferenceEnd, HtmlEntities::ftfyReplace);
  }

  /** Where a reference starting at the '&' at {@code amp} ends (exclusive), or -1 if none starts there. */
  private interface ReferenceEnd {
    int at(String s, int amp);
  }

  /** Replaces each reference left to right; scanning resumes after a replacement, as re.sub does. */
  private static String replaceReferences(String s, ReferenceEnd finder, UnaryOperator<String> replace) {
    int amp = s.indexOf('&');
    if (amp < 0) return s;
    StringBuilder out = new StringBuilder(s.length());
    int copied = 0;
    for (int i = amp; i >= 0 && i < s.length(); i = s.indexOf('&', i)) {
      int end = finder.at(s, i);
      if (end < 0) {
        i++;
        continue;
      }
      out.append(s, copied, i).append(replace.apply(s.substring(i, end)));
      copied = i = end;
    }
    return out.append(s, copied, s.length()).toString();
  }

  /** Python's charref pattern: {@code &(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)}. */
  private static int pythonReferenceEnd(String s, int amp) {
    int n = s.length();
    int from = amp + 1;
    if (from >= n) return -1;
    int i = from;
    if (s.charAt(i) == '#') {
      i++;
      boolean hex = i < n && (s.charAt(i) == 'x' || s.charAt(i) == 'X');
      if (hex) i++;
      int digits = i;
      while (i < n && (hex ? Character.digit(s.charAt(i), 16) >= 0 && s.charAt(i) < 128 : s.charAt(i) >= '0' && s.charAt(i) <= '9')) i++;
      if (i == digits) return -1;
    } else {
      while (i < n && i - from < MAX_NAME && "\t\n\f <&#;".indexOf(s.charAt(i)) < 0) i++;
      if (i == from) return -1;
    }
    return i < n && s.charAt(i) == ';' ? i + 1 : i;
  }

  private static String replaceReference(String body) {
    if (body.charAt(0) == '#') return numericReference(body);
    String value = NAMED.get(body);
    if (value != null) return value;
    // Python: the longest prefix (length >= 2) that is a legacy name, e.g. "&ampfoo" -> "&foo"
    for (int x = body.length() - 1; x > 1; x--) {
      String prefix = NAMED.get(body.substring(0, x));
      if (prefix != null) return prefix + body.substring(x);
    }
    return "&" + body;
  }

  private static String numericReference(String body) {
    boolean hex = body.length() > 1 && (body.charAt(1) == 'x' || body.charAt(1) == 'X');
    String digits = body.substring(hex ? 2 : 1, body.endsWith(";") ? body.length() - 1 : body.length());
    long num = 0;
    for (int i = 0; i < digits.length() && num <= 0x10FFFF; i++) num = num * (hex ? 16 : 10) + Character.digit(digits.charAt(i), 16);
    if (num == 0) return "\uFFFD";
    if (num == 0x0D) return "\r";
    if (num >= 0x80 && num <= 0x9F) return String.valueOf(Cp1252.decode((int) num)); // Python maps these as Windows-1252
    if (num >= 0xD800 && num <= 0xDFFF || num > 0x10FFFF) return "\uFFFD";
    if (isInvalidCodepoint((int) num)) return "";
    return new String(Character.toChars((int) num));
  }

  /** Python's {@code _invalid_codepoints}: C0/C1 controls other than whitespace, and the noncharacters. */
  private static boolean isInvalidCodepoint(int c) {
    return c >= 0x1 && c <= 0x8 || c == 0xB || c >= 0xE && c <= 0x1F || c >= 0x7F && c <= 0x9F
        || c >= 0xFDD0 && c <= 0xFDEF || (c & 0xFFFE) == 0xFFFE;
  }

  private static int ftfyReferenceEnd(String s, int amp) {
    int j = amp + 1;
    if (j < s.length() && s.charAt(j) == '#') j++;
    int start = j;
    while (j < s.length() && j - start < 24 && isAsciiAlnum(s.charAt(j))) j++;
    return j == start || j >= s.length() || s.charAt(j) != ';' ? -1 : j + 1;
  }

  private static String ftfyReplace(String ref) {
    String name = ref.substring(1);
    if (ref.startsWith("&#")) {
      String decoded = pythonUnescape(ref);
      return decoded.indexOf(';') >= 0 ? ref : decoded; // a partial decode keeps the original
    }
    String value = NAMED.get(name);
    if (value != null) return value;
    // ftfy also decodes all-caps forms of lower-case names (&EACUTE; -> É) where Python would leave them alone
    String lower = name.toLowerCase(Locale.ROOT);
    if (!lower.equals(name) && name.equals(lower.toUpperCase(Locale.ROOT)) && NAMED.containsKey(lower)
        && pythonUnescape(ref).equals(ref)) {
      return NAMED.get(lower).toUpperCase(Locale.ROOT);
    }
    return ref;
  }

  private static boolean isAsciiAlnum(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  private static Map<String, String> load() {
    String resource = "html5-entities.txt";
    try (InputStream in = HtmlEntities.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("missing resource dev/vlt/tokenize/" + resource);
      Map<String, String> map = new HashMap<>(4096);
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.isEmpty() || line.startsWith("#")) continue;
        int sp = line.indexOf(' ');
        StringBuilder value = new StringBuilder(2);
        for (String cp : line.substring(sp + 1).split("\\+")) value.appendCodePoint(Integer.parseInt(cp, 16));
        map.put(line.substring(0, sp), value.toString());
      }
      return map;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource dev/vlt/tokenize/" + resource, e);
    }
  }
}
