package dev.vlt.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** GitHub-flavoured Markdown tables, columns padded so the raw text also reads as a table on a terminal. */
public final class MarkdownTable {
  private MarkdownTable() {}

  /**
   * One row per result (named by its key), one column per headline figure; columns are the union of every result's
   * headline keys in first-seen order, and a figure a result lacks is left blank.
   */
  public static String render(Map<String, ? extends Result> results) {
    List<List<String>> cells = cells(results);
    return render(cells.get(0), cells.subList(1, cells.size()));
  }

  /** The cells of {@link #render(Map)}: the header row first, then one formatted row per result. */
  public static List<List<String>> cells(Map<String, ? extends Result> results) {
    Set<String> columns = new LinkedHashSet<>();
    results.values().forEach(r -> columns.addAll(r.headline().keySet()));
    List<String> header = new ArrayList<>();
    header.add("result");
    header.addAll(columns);
    List<List<String>> cells = new ArrayList<>();
    cells.add(header);
    results.forEach((name, r) -> {
      List<String> row = new ArrayList<>();
      row.add(name);
      Map<String, Double> h = r.headline();
      for (String c : columns) row.add(h.containsKey(c) ? format(h.get(c)) : "");
      cells.add(row);
    });
    return cells;
  }

  /** A table of {@code header} and {@code rows} (each as long as the header); {@code |} in cells is escaped. */
  public static String render(List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> row : all) {
      Checks.check(row.size() == header.size(), "table row has %s cells, header has %s", row.size(), header.size());
      for (int c = 0; c < row.size(); c++) width[c] = Math.max(width[c], escape(row.get(c)).length());
    }
    StringBuilder sb = new StringBuilder();
    line(sb, header, width);
    sb.append('|');
    for (int w : width) sb.append('-').append("-".repeat(Math.max(3, w))).append("-|");
    sb.append('\n');
    for (List<String> row : rows) line(sb, row, width);
    return sb.toString();
  }

  /** Four significant digits; whole numbers (counts such as k) without decimals. */
  public static String format(Double v) {
    if (v == null || v.isNaN()) return "";
    if (v == Math.rint(v) && Math.abs(v) < 1e9) return Long.toString(v.longValue());
    return String.format(Locale.ROOT, "%.4g", v);
  }

  private static void line(StringBuilder sb, List<String> cells, int[] width) {
    sb.append('|');
    for (int c = 0; c < cells.size(); c++) {
      String cell = escape(cells.get(c));
      sb.append(' ').append(cell).append(" ".repeat(Math.max(3, width[c]) - cell.length())).append(" |");
    }
    sb.append('\n');
  }

  private static String escape(String cell) {
    return cell.replace("|", "\\|").replace("\n", " ");
  }
}
