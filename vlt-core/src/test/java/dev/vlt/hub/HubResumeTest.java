package dev.vlt.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlt.Fixtures;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One file against a failing server: dropped connections resume, corrupt bytes are refused, stalls time out. */
class HubResumeTest {
  static final Path FOLDER = Fixtures.fixture("clip_e2e_tiny");
  static final String WEIGHTS = "open_clip_model.safetensors";
  static final String CONFIG = "open_clip_config.json";
  static final RepoId REPO = RepoId.parse("test/tiny");

  TestHub hub;
  @TempDir Path cache;
  Path dir;
  final List<String> retries = new CopyOnWriteArrayList<>();
  final List<Long> resumedFrom = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    hub = new TestHub().repo("test/tiny", FOLDER);
    dir = cache.resolve("model");
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  HubClient client(int attempts, Duration readTimeout) {
    HubConfig cfg = new HubConfig(hub.endpoint, cache, null, false, Duration.ofSeconds(2), readTimeout, attempts);
    return new HubClient(cfg, new DownloadListener() {
      @Override
      public void started(String file, long total, long from) {
        resumedFrom.add(from);
      }

      @Override
      public void retrying(String file, int attempt, String reason) {
        retries.add(reason);
      }
    });
  }

  Path fetch(HubClient c, String file) throws Exception {
    return c.fetch(REPO, "main", file, dir, false).orElseThrow();
  }

  void assertIntact(String file) throws Exception {
    assertArrayEquals(Files.readAllBytes(FOLDER.resolve(file)), Files.readAllBytes(dir.resolve(file)), file);
    assertFalse(Files.exists(dir.resolve(file + ".part")), "the part file is renamed into place");
  }

  @Test
  void droppedConnectionResumesWithinOneCall() throws Exception {
    hub.fault(WEIGHTS).dropAfter = 3_000_000;
    fetch(client(3, Duration.ofSeconds(5)), WEIGHTS);
    assertIntact(WEIGHTS);
    assertEquals(1, retries.size(), retries.toString());
    assertTrue(retries.get(0).startsWith("connection lost at byte 3000000"), retries.get(0));
    assertEquals(List.of(0L, 3_000_000L), resumedFrom);
    assertTrue(hub.log.contains("GET /cdn/" + sha(WEIGHTS) + " Range:bytes=3000000-"), hub.log.toString());
  }

  @Test
  void aFailedRunLeavesThePartAndTheNextRunResumes() throws Exception {
    hub.fault(WEIGHTS).dropAfter = 5_000_000;
    HubException e = assertThrows(HubException.class, () -> fetch(client(1, Duration.ofSeconds(5)), WEIGHTS));
    assertTrue(e.getMessage().contains("run again to resume"), e.getMessage());
    assertEquals(5_000_000, Files.size(dir.resolve(WEIGHTS + ".part")));
    assertFalse(Files.exists(dir.resolve(WEIGHTS)));
    fetch(client(1, Duration.ofSeconds(5)), WEIGHTS);
    assertIntact(WEIGHTS);
    assertEquals(List.of(0L, 5_000_000L), resumedFrom);
  }

  @Test
  void aServerThatIgnoresRangeRestartsTheFile() throws Exception {
    Files.createDirectories(dir);
    Files.write(dir.resolve(WEIGHTS + ".part"), new byte[1000]);   // 1000 wrong bytes: a 206 would keep them
    TestHub.Fault f = hub.fault(WEIGHTS);
    f.ignoreRange = true;
    fetch(client(1, Duration.ofSeconds(5)), WEIGHTS);
    assertIntact(WEIGHTS);                                          // 200: truncated and written from byte 0
    assertTrue(hub.log.stream().anyMatch(l -> l.contains("Range:bytes=1000-")), hub.log.toString());
  }

  @Test
  void a206ForOtherBytesThanAskedStartsOver() throws Exception {
    Files.createDirectories(dir);
    Files.write(dir.resolve(WEIGHTS + ".part"), new byte[1000]);
    hub.fault(WEIGHTS).misrange = true;
    fetch(client(1, Duration.ofSeconds(5)), WEIGHTS);
    assertIntact(WEIGHTS);
    List<String> cdn = hub.log.stream().filter(l -> l.startsWith("GET /cdn/")).toList();
    assertEquals(2, cdn.size(), cdn.toString());
    assertTrue(cdn.get(0).endsWith("Range:bytes=1000-") && !cdn.get(1).contains("Range"), cdn.toString());
    assertEquals(List.of(0L), resumedFrom);                     // the mismatched 206 wrote nothing; the restart did
  }

  @Test
  void wrongSha256IsRefusedAndNotCached() throws Exception {
    hub.fault(WEIGHTS).corrupt = true;
    HubException e = assertThrows(HubException.class, () -> fetch(client(3, Duration.ofSeconds(5)), WEIGHTS));
    assertTrue(e.getMessage().contains("sha256") && e.getMessage().contains("does not match the hub's " + sha(WEIGHTS)),
        e.getMessage());
    assertFalse(Files.exists(dir.resolve(WEIGHTS)));
    assertFalse(Files.exists(dir.resolve(WEIGHTS + ".part")), "corrupt bytes must not be resumed from");
    assertEquals(0, retries.size(), "a checksum failure is not retried into the same answer");
  }

  @Test
  void wrongGitBlobIdOfASmallFileIsRefused() throws Exception {
    hub.fault(CONFIG).corrupt = true;
    HubException e = assertThrows(HubException.class, () -> fetch(client(1, Duration.ofSeconds(5)), CONFIG));
    assertTrue(e.getMessage().contains("git blob id"), e.getMessage());
    assertFalse(Files.exists(dir.resolve(CONFIG)));
    fetch(client(1, Duration.ofSeconds(5)), CONFIG);                // the fault was one response: now it passes
    assertIntact(CONFIG);
  }

  @Test
  void aStalledTransferTimesOutAndResumes() throws Exception {
    TestHub.Fault f = hub.fault(WEIGHTS);
    f.stallAfter = 2_000_000;
    f.stallMillis = 4_000;
    long t0 = System.nanoTime();
    HubException e = assertThrows(HubException.class, () -> fetch(client(1, Duration.ofMillis(400)), WEIGHTS));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
    assertTrue(seconds < 3.5, "gave up after " + seconds + " s, not when the server woke up");
    // on a loaded machine the client may time out before the first bytes land, so the part file can be absent
    java.nio.file.Path part = dir.resolve(WEIGHTS + ".part");
    long kept = Files.exists(part) ? Files.size(part) : 0;
    assertTrue(kept <= 2_000_000, "kept " + kept);
    f.times = 0;
    fetch(client(1, Duration.ofSeconds(5)), WEIGHTS);
    assertIntact(WEIGHTS);
  }

  @Test
  void missingOptionalFileIsEmptyButRequiredIsAnError() throws Exception {
    HubClient c = client(1, Duration.ofSeconds(5));
    assertTrue(c.fetch(REPO, "main", "vocab.json", dir, true).isEmpty());
    HubException e = assertThrows(HubException.class, () -> fetch(c, "vocab.json"));
    assertEquals("no such file vocab.json in test/tiny@main", e.getMessage());
  }

  @Test
  void noServerMeansNoNetwork() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();                                       // closed again: nothing listens there
    }
    HubConfig cfg = new HubConfig(URI.create("http://127.0.0.1:" + port), cache, null, false, Duration.ofSeconds(2),
        Duration.ofSeconds(2), 3);
    long t0 = System.nanoTime();
    HubException e = assertThrows(HubException.class,
        () -> new HubClient(cfg, DownloadListener.NONE).fetch(REPO, "main", CONFIG, dir, false));
    assertTrue(e.getMessage().startsWith("no network: cannot reach http://127.0.0.1:" + port + " (connection refused)"), e.getMessage());
    assertTrue((System.nanoTime() - t0) / 1e9 < 2, "no retries when nothing answers");
  }

  static String sha(String file) throws Exception {
    return TestHub.hex("SHA-256", Files.readAllBytes(FOLDER.resolve(file)));
  }
}
