package dev.vlt.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.data.image.ImageDecoder;
import dev.vlt.data.image.Raster8;
import dev.vlt.index.VectorIndex;
import dev.vlt.infer.Embedder;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON API against the tiny end-to-end model and an index of 40 emoji, over loopback HTTP. */
class ServerApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long MAX_BODY = 256 * 1024;
  @TempDir static Path tmp;
  static Embedder embedder;
  static VectorIndex index;
  static VltServer server;
  static List<Path> images;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void start() throws Exception {
    embedder = ServeFixtures.embedder();
    images = ServeFixtures.emoji(tmp.resolve("emoji"), 40, 47);
    ServeFixtures.buildIndex(embedder, tmp.resolve("emoji"), tmp.resolve("index"));
    index = VectorIndex.open(tmp.resolve("index"));
    server = VltServer.start(new ServeConfig("127.0.0.1", 0, 2, 6, MAX_BODY, Duration.ofSeconds(30), Access.LOCAL), embedder, index);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
    if (index != null) index.close();
    if (embedder != null) embedder.close();
  }

  static HttpResponse<byte[]> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static HttpResponse<byte[]> post(String pathAndQuery, byte[] body, String type) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
        .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static JsonNode json(HttpResponse<byte[]> r) throws Exception {
    return JSON.readTree(r.body());
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void healthNamesModelAndIndexAndTheServerListensOnLoopback() throws Exception {
    JsonNode h = json(get("/api/health"));
    assertEquals("ok", h.get("status").asText());
    assertEquals(40, h.get("index").get("count").asInt());
    assertEquals(32, h.get("dim").asInt());
    assertEquals("127.0.0.1", ServeConfig.defaults(8080).host());
    assertEquals("127.0.0.1", server.uri().getHost());
  }

  @Test
  void textSearchReturnsRankedResultsWhoseThumbnailsAreImages() throws Exception {
    HttpResponse<byte[]> r = get("/api/search?q=" + q("a red heart") + "&k=5");
    assertEquals(200, r.statusCode(), new String(r.body()));
    JsonNode results = json(r).get("results");
    assertEquals(5, results.size());
    float[] query = embedder.embedTexts(List.of("a red heart"))[0];
    List<String> expected = index.search(query, 5, false).stream().map(h -> h.id()).toList();
    double prev = 2;
    for (JsonNode hit : results) {
      assertEquals(expected.get(results.findValues("id").indexOf(hit.get("id"))), hit.get("id").asText());
      assertTrue(hit.get("score").asDouble() <= prev, "sorted by score");
      prev = hit.get("score").asDouble();
      HttpResponse<byte[]> thumb = get(hit.get("thumb").asText());
      assertEquals(200, thumb.statusCode());
      assertEquals("image/png", thumb.headers().firstValue("Content-Type").orElse(""));
      Raster8 t = ImageDecoder.decode(thumb.body(), "thumb");
      assertEquals(64, t.width(), "emoji are 64 px: below the thumbnail size, so not scaled");
    }
    assertEquals(index.search(query, 1, true).get(0).id(), results.get(0).get("id").asText(), "HNSW top-1 agrees with exact");
  }

  @Test
  void imageSearchFindsTheIndexedImageItselfFirst() throws Exception {
    Path target = images.get(7);
    HttpResponse<byte[]> r = post("/api/search?k=3", Files.readAllBytes(target), "image/png");
    assertEquals(200, r.statusCode(), new String(r.body()));
    JsonNode top = json(r).get("results").get(0);
    assertEquals(target.getFileName().toString(), top.get("name").asText());
    assertEquals(1.0, top.get("score").asDouble(), 1e-4);
  }

  @Test
  void segmentAnswersALabelMapTheSizeOfTheUpload() throws Exception {
    java.awt.image.BufferedImage wide = new java.awt.image.BufferedImage(90, 30, java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 90; x++) for (int y = 0; y < 30; y++) wide.setRGB(x, y, x < 45 ? 0xCC2222 : 0x2222CC);
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(wide, "png", png);
    HttpResponse<byte[]> r = post("/api/segment?labels=" + q("a red thing,a blue thing"), png.toByteArray(), "image/png");
    assertEquals(200, r.statusCode(), new String(r.body()));
    JsonNode out = json(r);
    assertEquals(90, out.get("width").asInt());
    assertEquals(30, out.get("height").asInt());
    String uri = out.get("map").asText();
    assertTrue(uri.startsWith("data:image/png;base64,"));
    java.awt.image.BufferedImage map = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
        java.util.Base64.getDecoder().decode(uri.substring(uri.indexOf(',') + 1))));
    assertEquals(90, map.getWidth());
    assertEquals(30, map.getHeight());
    double sum = out.get("background").asDouble();
    for (JsonNode l : out.get("labels")) sum += l.get("fraction").asDouble();
    assertEquals(1.0, sum, 1e-9);
    assertEquals(400, post("/api/segment?labels=a&threshold=x", png.toByteArray(), "image/png").statusCode());
  }

  @Test
  void classifyMatchesTheEmbedderAndSortsLabels() throws Exception {
    List<String> labels = List.of("a smiling face", "a flag", "a cat", "food");
    Path img = images.get(3);
    HttpResponse<byte[]> r = post("/api/classify?labels=" + q(String.join(",", labels)), Files.readAllBytes(img), "image/png");
    assertEquals(200, r.statusCode(), new String(r.body()));
    JsonNode out = json(r).get("labels");
    assertEquals(4, out.size());
    float[] v = embedder.embedImages(List.of(ImageDecoder.decode(img)))[0];
    float[][] t = embedder.embedTexts(labels);
    double[] logits = new double[4];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < v.length; j++) logits[i] += embedder.logitScale() * v[j] * t[i][j];
      max = Math.max(max, logits[i]);
    }
    double sum = 0;
    for (double l : logits) sum += Math.exp(l - max);
    double prev = 2;
    double total = 0;
    for (JsonNode l : out) {
      int i = labels.indexOf(l.get("label").asText());
      assertEquals(Math.exp(logits[i] - max) / sum, l.get("prob").asDouble(), 1e-5, l.get("label").asText());
      assertTrue(l.get("prob").asDouble() <= prev);
      prev = l.get("prob").asDouble();
      total += prev;
    }
    assertEquals(1.0, total, 1e-6);
  }

  @Test
  void embedAnswersTextAndImageVectors() throws Exception {
    HttpResponse<byte[]> r = post("/api/embed", "{\"texts\": [\"a dog\", \"a cat\"]}".getBytes(StandardCharsets.UTF_8), "application/json");
    assertEquals(200, r.statusCode(), new String(r.body()));
    JsonNode e = json(r).get("embeddings");
    float[][] expected = embedder.embedTexts(List.of("a dog", "a cat"));
    assertEquals(2, e.size());
    for (int j = 0; j < 32; j++) assertEquals(expected[1][j], e.get(1).get(j).floatValue(), 1e-6);
    HttpResponse<byte[]> img = post("/api/embed", Files.readAllBytes(images.get(0)), "image/png");
    assertEquals(200, img.statusCode());
    assertEquals(32, json(img).get("dim").asInt());
  }

  @Test
  void badInputGets400WithAMessage() throws Exception {
    HttpResponse<byte[]> text = post("/api/classify?labels=a,b", "hello, not an image".getBytes(StandardCharsets.UTF_8), "image/png");
    assertEquals(400, text.statusCode());
    assertTrue(json(text).get("error").asText().contains("not an image"), new String(text.body()));
    HttpResponse<byte[]> truncated = post("/api/search", java.util.Arrays.copyOf(Files.readAllBytes(images.get(0)), 100), "image/png");
    assertEquals(400, truncated.statusCode(), new String(truncated.body()));
    assertEquals(400, post("/api/classify", Files.readAllBytes(images.get(0)), "image/png").statusCode(), "labels missing");
    assertEquals(400, post("/api/classify?labels=a", new byte[0], "image/png").statusCode(), "empty body");
    assertEquals(400, get("/api/search?q=").statusCode());
    assertEquals(400, get("/api/search?q=x&k=0").statusCode());
    assertEquals(400, get("/api/search?q=x&k=lots").statusCode());
    assertEquals(400, post("/api/embed", "{\"texts\": 3}".getBytes(StandardCharsets.UTF_8), "application/json").statusCode());
    assertEquals(405, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/search"))
        .DELETE().build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode());
  }

  @Test
  void bodiesOverTheLimitGet413() throws Exception {
    byte[] big = new byte[(int) MAX_BODY + 4096];
    HttpResponse<byte[]> r = post("/api/classify?labels=a", big, "image/png");
    assertEquals(413, r.statusCode());
    assertTrue(json(r).get("error").asText().contains("over the limit"));
    // a declared length far over the limit is refused before any body byte is sent
    assertEquals(413, RawHttp.status(server.port(),
        "POST /api/search HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\nContent-Length: 10000000000\r\n\r\n"));
    // and so is a chunked body that keeps going past it
    HttpResponse<byte[]> chunked = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/embed"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(413, chunked.statusCode());
  }

  @Test
  void thumbnailUrlsCannotReachFilesOutsideTheIndex() throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret.txt"), "root:x:0:0");
    List<String> attempts = List.of(
        "/api/thumb?id=../../../../etc/passwd",
        "/api/thumb?id=%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/api/thumb?id=" + q(secret.toString()),
        "/api/thumb?id=/etc/passwd",
        "/api/thumb?id=" + q(images.get(0).toString()),
        "/api/thumb?id=" + q(images.get(0).getFileName().toString()),
        "/api/thumb?id=0123456789abcdef",
        "/api/thumb/../../etc/passwd",
        "/api/thumb/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/app.js/../../pom.xml",
        "/web/index.html",
        "/" + q(secret.toString()));
    for (String a : attempts) {
      int status = RawHttp.status(server.port(), "GET " + a + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      assertTrue(status == 400 || status == 404, a + " -> " + status);
    }
    String body = RawHttp.response(server.port(), "GET /api/thumb?id=..%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assertFalse(body.contains("root:"), body);
  }

  @Test
  void aFullQueueAnswers503AtOnceWhileHealthStillAnswers() throws Exception {
    Admission a = server.admission();
    List<Admission.Ticket> held = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < a.capacity(); i++) held.add(a.enter());
      long t0 = System.nanoTime();
      HttpResponse<byte[]> r = get("/api/search?q=x");
      assertEquals(503, r.statusCode());
      assertTrue((System.nanoTime() - t0) / 1e9 < 5, "refused at once, not queued");
      assertEquals("1", r.headers().firstValue("Retry-After").orElse(""));
      assertEquals(200, get("/api/health").statusCode());
    } finally {
      held.forEach(Admission.Ticket::close);
    }
    assertEquals(200, get("/api/search?q=x").statusCode());
  }

  @Test
  void clientsStalledMidRequestDoNotStarveOthers() throws Exception {
    List<java.net.Socket> stalled = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        java.net.Socket s = new java.net.Socket("127.0.0.1", server.port());
        s.getOutputStream().write("GET /api/health HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII)); // never finished
        s.getOutputStream().flush();
        stalled.add(s);
      }
      long t0 = System.nanoTime();
      assertEquals(200, get("/api/health").statusCode());
      assertEquals(200, get("/api/search?q=x&k=1").statusCode());
      assertTrue((System.nanoTime() - t0) / 1e9 < 20, "answered while 20 clients stall");
    } finally {
      for (java.net.Socket s : stalled) s.close();
    }
  }

  @Test
  void hundredConcurrentRequestsAreAllAnsweredOrRefusedWith503() throws Exception {
    byte[] png = Files.readAllBytes(images.get(1));
    List<java.util.concurrent.CompletableFuture<HttpResponse<byte[]>>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      HttpRequest req = i % 2 == 0
          ? HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/search?q=" + q("emoji number " + i))).build()
          : HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/classify?labels=a,b,c" + i))
              .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build();
      calls.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()));
    }
    int ok = 0;
    int busy = 0;
    for (var c : calls) {
      HttpResponse<byte[]> r = c.get(120, java.util.concurrent.TimeUnit.SECONDS); // never a hang
      assertTrue(r.statusCode() == 200 || r.statusCode() == 503, r.statusCode() + " " + new String(r.body()));
      if (r.statusCode() == 200) ok++;
      else busy++;
    }
    System.out.printf("100 concurrent requests: %d answered, %d refused with 503%n", ok, busy);
    assertEquals(100, ok + busy);
    assertTrue(ok >= 1);
    assertEquals(200, get("/api/health").statusCode());
    assertEquals(0, server.admission().inFlight(), "every place in the queue was given back");
  }
}
