package dev.vlt.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsTest {
  private static ZeroShotMetrics zeroShot() {
    float[][] classes = Synthetic.oneHot(3, 3);
    float[][] images = {{1, 0, 0}, {0.2f, 1, 0}, {1, 0.1f, 0}};
    return ZeroShot.evaluate(images, classes, new int[] {0, 1, 1}, List.of("cat", "dog", "car"), 100).metrics();
  }

  @Test
  void resultsWriteAsStrictSnakeCaseJson(@TempDir Path dir) throws Exception {
    Map<String, Result> results = new LinkedHashMap<>();
    results.put("shapes zero-shot", zeroShot());
    results.put("shapes retrieval", Retrieval.evaluate(Synthetic.oneHot(2, 2), Synthetic.oneHot(2, 2), new int[] {0, 1}));
    Path file = dir.resolve("sub/metrics.json");
    Metrics.write(file, results);
    JsonNode root = new ObjectMapper().readTree(Files.readString(file));     // default mapper: no NaN allowed
    assertEquals(List.of("shapes zero-shot", "shapes retrieval"), iterable(root.fieldNames()));
    JsonNode z = root.get("shapes zero-shot");
    assertEquals(2.0 / 3, z.get("top1").asDouble(), 1e-12);
    assertEquals(3, z.get("top5_k").asInt());
    assertTrue(z.get("per_class").get(2).get("accuracy").isNull(), "class 'car' has no examples");
    assertEquals("dog", z.get("per_class").get(1).get("name").asText());
    assertEquals(1, z.get("confusion").get(1).get(0).asInt());
    assertFalse(z.has("headline"), "headline() is for tables, not JSON");
    assertEquals(1.0, root.get("shapes retrieval").get("text_to_image").get("R@1").asDouble());
  }

  @Test
  void recordsReadBackEqual() throws Exception {
    ProbeMetrics p = new ProbeMetrics(8, 2, 5, 2, 4, 3.16, 0.03, 1.0, 0.5, 0.8,
        List.of(new SweepPoint(1e-6, 0.5, 0.69), new SweepPoint(3.16, 0.5, 0.4)),
        List.of(new ClassAccuracy("a", 3, 3, 1.0), new ClassAccuracy("b", 2, 1, 0.5)), new int[][] {{3, 0}, {1, 1}});
    ProbeMetrics back = Metrics.mapper().readValue(Metrics.toJson(p), ProbeMetrics.class);
    // records compare arrays by reference, so compare the confusion matrix and then everything via JSON
    assertArrayEquals(p.confusion(), back.confusion());
    assertEquals(p.sweep(), back.sweep());
    assertEquals(Metrics.toJson(p), Metrics.toJson(back));
  }

  @Test
  void markdownTableUnitesColumnsAndLeavesGapsBlank() {
    Map<String, Result> results = new LinkedHashMap<>();
    results.put("zero-shot", zeroShot());
    results.put("kNN | k=5", new KnnMetrics(10, 4, 4, 5, 0.07, 0.75, List.of(), new int[4][4]));
    String table = MarkdownTable.render(results);
    String[] lines = table.split("\n");
    assertEquals(4, lines.length, table);
    assertEquals(List.of("result", "top1", "top5", "chance", "k"), cells(lines[0]));
    assertTrue(lines[1].matches("\\|(-+\\|)+"), lines[1]);
    assertEquals(List.of("zero-shot", "0.6667", "1", "0.3333", ""), cells(lines[2]));
    assertEquals(List.of("kNN \\| k=5", "0.7500", "", "0.2500", "5"), cells(lines[3]));
    for (String line : lines) assertEquals(lines[0].length(), line.length(), "rows are padded to one width:\n" + table);
  }

  private static List<String> cells(String line) {
    String inner = line.substring(1, line.length() - 1);
    return List.of(inner.split("(?<!\\\\)\\|", -1)).stream().map(String::strip).toList();
  }

  private static List<String> iterable(java.util.Iterator<String> it) {
    List<String> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
