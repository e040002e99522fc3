package dev.vlt.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.eval.KnnMetrics;
import dev.vlt.eval.Result;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
  private static final String EVIL = "<script>alert('x')</script> & \"quotes\"";

  @Test
  void escapesEveryPieceOfCallerText() {
    BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    Map<String, Result> results = Map.of(EVIL, new KnnMetrics(1, 1, 2, 1, 0.07, 1.0, List.of(), new int[2][2]));
    String html = new HtmlReport(EVIL).section(EVIL).paragraph(EVIL).preformatted(EVIL)
        .table(EVIL, List.of(EVIL), List.of(List.of(EVIL))).metrics(EVIL, results).image(img, EVIL).html();
    assertFalse(html.contains("<script"), "raw script tag in:\n" + html);
    assertFalse(html.contains("'x'"), "unescaped quote");
    assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"));
    assertEquals(count(html, "<section>"), count(html, "</section>"));
  }

  @Test
  void embedsPngBytesAndClosesSections(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("p.png");
    Plots.bars(png, "bars", "value", List.of("a", "b"), new double[] {0.2, 0.8});
    Path out = dir.resolve("out/report.html");
    new HtmlReport("t").section("one").image(png, "first").section("two").paragraph("text").write(out);
    String html = Files.readString(out);
    Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
    assertTrue(m.find(), "no embedded image");
    assertArrayEquals(Files.readAllBytes(png), Base64.getDecoder().decode(m.group(1)));
    assertEquals(2, count(html, "<section>"));
    assertEquals(2, count(html, "</section>"));
    assertTrue(html.indexOf("</section>") < html.indexOf("<h2>two</h2>"), "first section closes before the second");
    assertTrue(html.startsWith("<!DOCTYPE html>") && html.endsWith("</html>\n"));
  }

  @Test
  void raggedTableAndMissingImageGiveOneLine(@TempDir Path dir) {
    var ragged = assertThrows(IllegalArgumentException.class,
        () -> new HtmlReport("t").table("scores", List.of("a", "b"), List.of(List.of("1"))));
    assertEquals("table 'scores' row has 1 cells, header has 2", ragged.getMessage());
    var missing = assertThrows(java.io.UncheckedIOException.class,
        () -> new HtmlReport("t").image(dir.resolve("none.png"), "x"));
    assertTrue(missing.getMessage().startsWith("cannot read report image " + dir.resolve("none.png")),
        missing.getMessage());
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) n++;
    return n;
  }
}
