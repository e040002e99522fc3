package dev.vlt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vlt spark embed --master local[2]} over the 1,911 emoji, then {@code vlt index build --from-parquet}: searches of
 * that index return what searches of an index built directly from the images return.
 */
class SparkCommandTest {
  static final String MODEL = TokenizeCommandTest.MODEL.toString();
  static final String MERGES = TokenizeCommandTest.MERGES.toString();

  static JsonNode run(String... args) throws Exception {
    int[] exit = new int[1];
    String out = TokenizeCommandTest.capture(() -> Vlt.execute(args), exit);
    assertEquals(0, exit[0], out);
    return TokenizeCommandTest.JSON.readTree(out.strip());
  }

  static List<String> search(Path index, boolean exact, String... query) throws Exception {
    List<String> args = new ArrayList<>(List.of("search", "--index", index.toString(), "--json", "-k", "10"));
    if (exact) args.add("--exact");
    args.addAll(List.of(query));
    int[] exit = new int[1];
    String out = TokenizeCommandTest.capture(() -> Vlt.execute(args.toArray(String[]::new)), exit);
    assertEquals(0, exit[0], out);
    List<String> hits = new ArrayList<>();
    for (String line : out.strip().split("\n")) {
      JsonNode h = TokenizeCommandTest.JSON.readTree(line);
      hits.add(h.get("name").asText() + " " + h.get("caption").asText() + " " + h.get("metadata") + String.format(" %.4f", h.get("score").asDouble()));
    }
    return hits;
  }

  @Test
  void anIndexFromTheSparkParquetSearchesLikeOneBuiltFromTheImages(@TempDir Path tmp) throws Exception {
    Path parquet = tmp.resolve("emoji.parquet");
    JsonNode embedded = run("spark", "embed", "--master", "local[2]", "--model", MODEL, "--data", "emoji", "--out", parquet.toString(), "--json");
    assertEquals(1911, embedded.get("rows").asInt());
    assertEquals(0, embedded.get("skipped").asInt());

    Path fromParquet = tmp.resolve("index-parquet");
    JsonNode imported = run("index", "build", "--model", MODEL, "--tokenizer", MERGES, "--from-parquet", parquet.toString(),
        "--master", "local[2]", "--index", fromParquet.toString(), "--json");
    assertEquals(1911, imported.get("vectors").asInt());

    Path direct = tmp.resolve("index-direct");
    JsonNode built = run("index", "build", "--model", MODEL, "--tokenizer", MERGES, "--images", "emoji", "--index", direct.toString(), "--json");
    assertEquals(1911, built.get("vectors").asInt());

    for (String q : List.of("grinning face", "red heart", "a cat", "flag of France", "rocket")) {
      List<String> a = search(direct, true, q);
      assertEquals(10, a.size());
      assertEquals(a, search(fromParquet, true, q), "exact search for '" + q + "'");
      // HNSW is approximate and the two graphs were built in different orders, so their lists may differ where scores
      // nearly tie (this tiny untrained model's are within 0.01): each must find most of the exact top 10, with exact scores
      for (Path index : List.of(direct, fromParquet)) {
        List<String> approx = search(index, false, q);
        long found = approx.stream().filter(a::contains).count();
        assertTrue(found >= 8, "HNSW search for '" + q + "' in " + index.getFileName() + " finds " + found + " of the exact top 10: " + approx);
      }
    }
    Path image = IndexSearchCommandTest.emoji(tmp.resolve("query"), 1).get(0);
    List<String> byImage = search(direct, true, "--image", image.toString());
    assertTrue(byImage.get(0).startsWith(image.getFileName() + " "), "an image finds itself first: " + byImage.get(0));
    assertEquals(byImage, search(fromParquet, true, "--image", image.toString()));
  }
}
