package dev.vlt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.vlt.hub.HubConfig;
import dev.vlt.hub.PretrainedSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vlt download} against a plain file server on 127.0.0.1 (a mirror, as HF_ENDPOINT allows): no internet. */
class DownloadCommandTest {
  static final Path MODEL = TokenizeCommandTest.SHARED.resolve("fixtures/clip_e2e_tiny");

  HttpServer server;
  String endpoint;
  @TempDir Path cache;

  @BeforeEach
  void serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String prefix = "/test/tiny/resolve/main/";
    server.createContext("/", ex -> {
      try (ex) {
        String path = ex.getRequestURI().getPath();
        Path file = path.startsWith(prefix) ? MODEL.resolve(path.substring(prefix.length())) : null;
        if (file == null || !Files.isRegularFile(file)) {
          ex.sendResponseHeaders(404, -1);
        } else {
          ex.sendResponseHeaders(200, Files.size(file));
          Files.copy(file, ex.getResponseBody());
        }
      }
    });
    server.start();
    endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /** Runs vlt with stdout and stderr captured: {stdout, stderr, exit code}. */
  static String[] run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Vlt.execute(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new String[] {o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8), Integer.toString(code)};
  }

  @Test
  void downloadsPrintsTheFolderAndThenWorksOffline() throws Exception {
    String[] r = run("download", "test/tiny", "--endpoint", endpoint, "--cache", cache.toString());
    assertEquals("0", r[2], r[1]);
    Path dir = Path.of(r[0].strip());
    assertEquals(cache.resolve("hub/test--tiny/main"), dir);
    assertArrayEquals(Files.readAllBytes(MODEL.resolve("open_clip_model.safetensors")),
        Files.readAllBytes(dir.resolve("open_clip_model.safetensors")));
    assertTrue(r[1].contains("vlt: downloading open_clip_model.safetensors (13.1 MB)"), r[1]);   // plain lines off a terminal

    server.stop(0);                                  // the network is gone: the cache still answers
    r = run("download", "test/tiny", "--endpoint", endpoint, "--cache", cache.toString(), "--offline");
    assertEquals("0", r[2], r[1]);
    assertEquals(dir.toString(), r[0].strip());
    // every command's MODEL takes hub names too; pointed at this cache, offline
    PretrainedSource.configure(HubConfig.fromEnvironment().withCache(cache).withOffline(true), null);
    try {
      r = run("info", "hf-hub:test/tiny");
    } finally {
      PretrainedSource.configure(null, null);
    }
    assertEquals("0", r[2], r[1]);
    assertTrue(r[0].contains("3,421,761 total"), r[0]);
  }

  @Test
  void failuresAreOneLineAndExitTwo() {
    String[] r = run("download", "test/missing", "--endpoint", endpoint, "--cache", cache.toString());
    assertEquals("2", r[2]);
    assertEquals("vlt: test/missing@main has neither open_clip_config.json nor config.json: no such repo, or not a model vlt can load",
        r[1].strip());
    r = run("download", "ViT-B-32:laion2b_s34b_b79k", "--cache", cache.toString(), "--offline");
    assertEquals("2", r[2]);
    assertTrue(r[1].startsWith("vlt: offline: laion/CLIP-ViT-B-32-laion2B-s34B-b79K@main is not in the cache"), r[1]);
    assertEquals(1, r[1].strip().lines().count(), r[1]);
    r = run("download", "not a repo", "--cache", cache.toString());
    assertEquals("2", r[2]);
    assertTrue(r[1].contains("is not a hub repo id"), r[1]);
  }

  @Test
  void listShowsThePretrainedTags() {
    String[] r = run("download", "--list");
    assertEquals("0", r[2]);
    assertTrue(r[0].lines().anyMatch(l -> l.startsWith("ViT-B-32:laion2b_s34b_b79k") && l.contains("laion/CLIP-ViT-B-32-laion2B-s34B-b79K")), r[0]);
    assertTrue(r[0].lines().anyMatch(l -> l.startsWith("ViT-L-14:openai") && l.endsWith("(QuickGELU)")), r[0]);
  }
}
