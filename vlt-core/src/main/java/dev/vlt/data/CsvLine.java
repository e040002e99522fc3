package dev.vlt.data;

import java.util.ArrayList;
import java.util.List;

/** Splits one CSV/TSV line: fields may be quoted with {@code "}, a doubled quote inside stands for one quote. */
final class CsvLine {
  private CsvLine() {}

  static String[] split(String line, char sep) throws RecordFields.Malformed {
    List<String> fields = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c != '"') {
          cur.append(c);
        } else if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else {
          quoted = false;
        }
      } else if (c == sep) {
        fields.add(cur.toString());
        cur.setLength(0);
        wasQuoted = false;
      } else if (c == '"' && cur.length() == 0 && !wasQuoted) {
        quoted = true;
        wasQuoted = true;
      } else if (c != '\r') {
        cur.append(c);
      }
    }
    if (quoted) throw new RecordFields.Malformed("unterminated quoted field");
    fields.add(cur.toString());
    return fields.toArray(new String[0]);
  }
}
