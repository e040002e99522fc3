package dev.vlt.report;

import dev.vlt.eval.MarkdownTable;
import dev.vlt.eval.Result;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A self-contained HTML report: one file with a title, tables and sections of figures; images are embedded as base64
 * PNG data URIs, so the file can be mailed or opened from anywhere. All caller text is HTML-escaped.
 *
 * <pre>{@code
 * new HtmlReport("vlt quickstart").metrics("Results", results)
 *     .section("Zero-shot").image(dir.resolve("confusion.png"), "ShapesWorld confusion").write(dir.resolve("report.html"));
 * }</pre>
 */
public final class HtmlReport {
  private static final String STYLE = """
      body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;\
      color:#222;line-height:1.45}
      h1{border-bottom:2px solid #3b6ea5;padding-bottom:.2em}h2{margin-top:1.6em;color:#1d3f66}
      table{border-collapse:collapse;margin:.8em 0}th,td{border:1px solid #ccc;padding:.3em .7em;text-align:right}
      th:first-child,td:first-child{text-align:left}th{background:#eef3f9}caption{text-align:left;font-weight:600;\
      padding:.3em 0}
      figure{margin:1em 0}figure img{max-width:100%;border:1px solid #e2e2e2}figcaption{color:#555;font-size:.9em}
      pre{background:#f6f8fa;padding:.8em;overflow-x:auto}.meta{color:#666;font-size:.9em}
      """;

  private final String title;
  private final StringBuilder body = new StringBuilder();
  private boolean inSection;

  public HtmlReport(String title) {
    this.title = title;
  }

  /** Starts a new section headed {@code heading}; later items go into it. */
  public HtmlReport section(String heading) {
    closeSection();
    body.append("<section>\n<h2>").append(escape(heading)).append("</h2>\n");
    inSection = true;
    return this;
  }

  public HtmlReport paragraph(String text) {
    body.append("<p>").append(escape(text)).append("</p>\n");
    return this;
  }

  /** Pre-formatted text such as a Markdown table or a command line. */
  public HtmlReport preformatted(String text) {
    body.append("<pre>").append(escape(text)).append("</pre>\n");
    return this;
  }

  /** A table with one row per result and one column per headline figure (as {@link MarkdownTable#render(Map)}). */
  public HtmlReport metrics(String caption, Map<String, ? extends Result> results) {
    List<List<String>> cells = MarkdownTable.cells(results);
    return table(caption, cells.get(0), cells.subList(1, cells.size()));
  }

  /** A table of {@code header} and {@code rows} (each as long as the header). */
  public HtmlReport table(String caption, List<String> header, List<List<String>> rows) {
    body.append("<table>\n<caption>").append(escape(caption)).append("</caption>\n<tr>");
    for (String h : header) body.append("<th>").append(escape(h)).append("</th>");
    body.append("</tr>\n");
    for (List<String> row : rows) {
      if (row.size() != header.size()) {
        throw new IllegalArgumentException("table '" + caption + "' row has " + row.size() + " cells, header has "
            + header.size());
      }
      body.append("<tr>");
      for (String cell : row) body.append("<td>").append(escape(cell)).append("</td>");
      body.append("</tr>\n");
    }
    body.append("</table>\n");
    return this;
  }

  /** Embeds the PNG file {@code png} (read now, so it may be deleted afterwards). */
  public HtmlReport image(Path png, String caption) {
    try {
      return figure(Files.readAllBytes(png), caption);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read report image " + png + ": " + e.getMessage(), e);
    }
  }

  /** Embeds {@code image} as PNG. */
  public HtmlReport image(BufferedImage image, String caption) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode report image '" + caption + "' as PNG", e);
    }
    return figure(out.toByteArray(), caption);
  }

  /** The whole document. */
  public String html() {
    StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    sb.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    sb.append("<title>").append(escape(title)).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n");
    sb.append("<body>\n<h1>").append(escape(title)).append("</h1>\n").append(body);
    if (inSection) sb.append("</section>\n");
    return sb.append("</body>\n</html>\n").toString();
  }

  /** Writes the document to {@code file} (UTF-8), creating parent folders. */
  public void write(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
      Files.writeString(file, html(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write report " + file + ": " + e.getMessage(), e);
    }
  }

  /** Text safe inside elements and double- or single-quoted attributes. */
  public static String escape(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (char ch : text.toCharArray()) {
      switch (ch) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(ch);
      }
    }
    return sb.toString();
  }

  private HtmlReport figure(byte[] png, String caption) {
    body.append("<figure><img alt=\"").append(escape(caption)).append("\" src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(png)).append("\"><figcaption>").append(escape(caption))
        .append("</figcaption></figure>\n");
    return this;
  }

  private void closeSection() {
    if (inSection) body.append("</section>\n");
    inSection = false;
  }
}
