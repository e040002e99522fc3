package dev.vlt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vlt index build}, {@code vlt search} and {@code vlt serve} on emoji art with the end-to-end fixture model. */
class IndexSearchCommandTest {
  static final String MODEL = TokenizeCommandTest.MODEL.toString();
  static final String MERGES = TokenizeCommandTest.MERGES.toString();

  static List<Path> emoji(Path dir, int n) throws Exception {
    Files.createDirectories(dir);
    List<Path> out = new ArrayList<>();
    try (ZipFile zip = new ZipFile(TokenizeCommandTest.SHARED.resolve("data/emoji-google-64/images.zip").toFile())) {
      List<? extends ZipEntry> entries = Collections.list(zip.entries());
      for (int i = 0; i < entries.size() && out.size() < n; i += 61) {
        Path p = dir.resolve(entries.get(i).getName());
        try (InputStream in = zip.getInputStream(entries.get(i))) {
          Files.copy(in, p);
        }
        out.add(p);
      }
    }
    return out;
  }

  static JsonNode buildJson(Path images, Path index) throws Exception {
    int[] exit = new int[1];
    String out = TokenizeCommandTest.capture(() -> Vlt.execute("index", "build", "--model", MODEL, "--tokenizer", MERGES,
        "--images", images.toString(), "--index", index.toString(), "--json", "--batch-size", "8", "--commit-every", "8"), exit);
    assertEquals(0, exit[0], out);
    return TokenizeCommandTest.JSON.readTree(out.strip());
  }

  static List<JsonNode> search(int[] exit, String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of("search", "--json"));
    a.addAll(List.of(args));
    String out = TokenizeCommandTest.capture(() -> Vlt.execute(a.toArray(String[]::new)), exit);
    List<JsonNode> lines = new ArrayList<>();
    for (String l : out.strip().split("\n")) if (!l.isBlank()) lines.add(TokenizeCommandTest.JSON.readTree(l));
    return lines;
  }

  @Test
  void buildUpdatesIncrementallyAndSearchFindsByTextAndImage(@TempDir Path tmp) throws Exception {
    Path images = tmp.resolve("emoji");
    Path index = tmp.resolve("index");
    List<Path> files = emoji(images, 24);
    JsonNode first = buildJson(images, index);
    assertEquals(24, first.get("added").asInt());
    assertEquals(24, first.get("vectors").asInt());
    JsonNode again = buildJson(images, index);
    assertEquals(24, again.get("unchanged").asInt());
    assertEquals(0, again.get("added").asInt());
    Files.delete(files.get(0));
    Files.copy(files.get(1), images.resolve("copy.png"));
    JsonNode third = buildJson(images, index);
    assertEquals(List.of(1, 1, 23), List.of(third.get("added").asInt(), third.get("removed").asInt(), third.get("unchanged").asInt()));

    int[] exit = new int[1];
    List<JsonNode> hits = search(exit, "--index", index.toString(), "-k", "5", "a", "red", "heart");
    assertEquals(0, exit[0]);
    assertEquals(5, hits.size());
    for (int i = 1; i < hits.size(); i++) assertTrue(hits.get(i).get("score").asDouble() <= hits.get(i - 1).get("score").asDouble());
    List<JsonNode> exact = search(exit, "--index", index.toString(), "-k", "5", "--exact", "a red heart");
    assertEquals(hits.get(0).get("id"), exact.get(0).get("id"), "HNSW and exact agree on the best match");

    Path query = files.get(5);
    List<JsonNode> byImage = search(exit, "--index", index.toString(), "-k", "3", "--image", query.toString());
    assertEquals(0, exit[0]);
    assertEquals(query.toString(), byImage.get(0).get("path").asText());
    assertEquals(1.0, byImage.get(0).get("score").asDouble(), 1e-4);
    // copy.png has the same pixels as files[1]: searching by one finds both at cosine 1
    List<JsonNode> dup = search(exit, "--index", index.toString(), "-k", "2", "--image", files.get(1).toString());
    assertEquals(1.0, dup.get(1).get("score").asDouble(), 1e-4);
  }

  @Test
  void userMistakesAreOneLineExitTwo(@TempDir Path tmp) throws Exception {
    int[] exit = new int[1];
    search(exit, "--index", tmp.resolve("none").toString(), "a cat");
    assertEquals(2, exit[0], "missing index");
    Path images = tmp.resolve("emoji");
    emoji(images, 3);
    Path index = tmp.resolve("index");
    buildJson(images, index);
    search(exit, "--index", index.toString());
    assertEquals(2, exit[0], "no query");
    search(exit, "--index", index.toString(), "--image", images.resolve("nope.png").toString());
    assertEquals(2, exit[0], "missing query image");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exit[0] = Vlt.execute("search", "--index", index.toString(), "--model", "tiny", "a cat");
    } finally {
      System.setErr(old);
    }
    assertEquals(2, exit[0], "a different model than the index's");
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("not the model the index was built with"), err.toString());
    assertEquals(1, err.toString(StandardCharsets.UTF_8).strip().split("\n").length, err.toString());
  }

  @Test
  void serveAnswersHealthAndSearchOnLoopback(@TempDir Path tmp) throws Exception {
    Path images = tmp.resolve("emoji");
    emoji(images, 6);
    Path index = tmp.resolve("index");
    buildJson(images, index);
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ServeCommand serve = new ServeCommand();
    int[] exit = {-1};
    Thread t = new Thread(() -> exit[0] = new CommandLine(serve).execute("--index", index.toString(), "--port", Integer.toString(port)));
    t.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      for (int i = 0; i < 600 && serve.running == null; i++) Thread.sleep(100);
      assertTrue(serve.running != null, "server started");
      assertEquals("127.0.0.1", serve.running.uri().getHost());
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(6, TokenizeCommandTest.JSON.readTree(health.body()).get("index").get("count").asInt());
      HttpResponse<String> search = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/search?q=cat&k=2")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(2, TokenizeCommandTest.JSON.readTree(search.body()).get("results").size());
    } finally {
      serve.stop.countDown();
      t.join(30_000);
    }
    assertEquals(0, exit[0]);
  }

  @Test
  void benchSearchPrintsLatencyAndRecall() throws Exception {
    int[] exit = new int[1];
    String out = TokenizeCommandTest.capture(() -> Vlt.execute("bench", "search", "--vectors", "3000", "--dim", "64",
        "--queries", "50", "--json"), exit);
    assertEquals(0, exit[0]);
    JsonNode r = TokenizeCommandTest.JSON.readTree(out.strip());
    assertEquals(3000, r.get("vectors").asInt());
    assertTrue(r.get("p50_ms").asDouble() > 0 && r.get("p95_ms").asDouble() >= r.get("p50_ms").asDouble());
    assertTrue(r.get("recall").asDouble() > 0.9, out);
  }
}
