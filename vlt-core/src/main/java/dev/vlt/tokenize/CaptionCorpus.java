package dev.vlt.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Captions to train a tokenizer on: JSONL (a "caption" or "text" field), CSV (a caption/text column), or one per line. */
public final class CaptionCorpus {
  private static final String[] FIELDS = {"caption", "text"};

  private CaptionCorpus() {}

  public static List<String> read(Path file) {
    String text = BpeFiles.readText(file);
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT).replaceAll("\\.gz$", "");
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) return jsonl(text, file);
    if (name.endsWith(".csv")) return csv(text, file);
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\r?\n")) if (!line.isBlank()) lines.add(line);
    return lines;
  }

  private static List<String> jsonl(String text, Path file) {
    List<String> out = new ArrayList<>();
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) continue;
      JsonNode row;
      try {
        row = BpeFiles.JSON.readTree(lines[i]);
      } catch (IOException e) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": not a JSON object");
      }
      JsonNode caption = row.has(FIELDS[0]) ? row.get(FIELDS[0]) : row.get(FIELDS[1]);
      if (caption == null || !caption.isTextual()) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": no text field \"caption\" or \"text\"");
      }
      out.add(caption.asText());
    }
    return out;
  }

  /** RFC 4180: comma-separated, double-quoted fields may hold commas, newlines and doubled quotes. */
  private static List<String> csv(String text, Path file) {
    List<List<String>> rows = parseCsv(text);
    if (rows.isEmpty()) return List.of();
    List<String> header = rows.get(0);
    int column = -1;
    for (String field : FIELDS) {
      for (int c = 0; c < header.size() && column < 0; c++) if (header.get(c).trim().equalsIgnoreCase(field)) column = c;
    }
    if (column < 0) throw new IllegalArgumentException(file + ": the CSV header " + header + " has no \"caption\" or \"text\" column");
    List<String> out = new ArrayList<>(rows.size());
    for (int r = 1; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      if (row.size() == 1 && row.get(0).isEmpty()) continue;
      if (column >= row.size()) throw new IllegalArgumentException(file + " row " + (r + 1) + ": " + row.size() + " fields, no column " + (column + 1));
      out.add(row.get(column));
    }
    return out;
  }

  static List<List<String>> parseCsv(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c != '"') field.append(c);
        else if (i + 1 < text.length() && text.charAt(i + 1) == '"') field.append(text.charAt(++i));
        else quoted = false;
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
      } else {
        field.append(c);
      }
    }
    if (field.length() > 0 || !row.isEmpty()) {
      row.add(field.toString());
      rows.add(row);
    }
    return rows;
  }
}
