package dev.vlt.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Hugging Face hub on 127.0.0.1: serves folders as repos under {@code /OWNER/NAME/resolve/REV/FILE}
 * the way the hub does (safetensors as LFS files: a 302 to {@code /cdn/SHA256} carrying X-Linked-Etag and
 * X-Linked-Size; small files directly with their git blob id as ETag; X-Error-Code on errors), honours Range requests,
 * and injects failures on request: a dropped connection, a corrupted body, a stall, a server that ignores Range.
 */
final class TestHub implements AutoCloseable {
  /** What to do to the next responses for one file. */
  static final class Fault {
    volatile int times = 1;            // how many responses it affects
    volatile long dropAfter = -1;      // bytes sent before the connection is cut
    volatile long stallAfter = -1;     // bytes sent before pausing
    volatile long stallMillis;
    volatile boolean corrupt;          // flip a byte, headers still describe the real file
    volatile boolean ignoreRange;      // answer 200 with the whole file
    volatile boolean misrange;         // answer 206 from byte 0 whatever the Range asked
  }

  final HttpServer server;
  final URI endpoint;
  final Map<String, Path> repos = new ConcurrentHashMap<>();
  final Map<String, String> tokens = new ConcurrentHashMap<>();       // repo → the token that opens it (gated)
  final Map<String, Fault> faults = new ConcurrentHashMap<>();
  final List<String> log = new CopyOnWriteArrayList<>();
  private final Map<String, Path> cdn = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();

  TestHub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "test-hub");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
    endpoint = URI.create("http://localhost:" + server.getAddress().getPort());
  }

  TestHub repo(String id, Path folder) {
    repos.put(id, folder);
    return this;
  }

  Fault fault(String file) {
    Fault f = new Fault();
    faults.put(file, f);
    return f;
  }

  int requests() {
    return requests.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    String path = ex.getRequestURI().getPath();
    String range = ex.getRequestHeaders().getFirst("Range");
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    log.add("GET " + path + (range != null ? " Range:" + range : "") + (auth != null ? " Auth" : ""));
    try (ex) {
      if (path.startsWith("/cdn/")) {
        Path file = cdn.get(path.substring(5));
        if (file == null) error(ex, 404, null);
        else serve(ex, file, "\"0123456789abcdef0123456789abcdef\"");   // an md5-like CDN ETag: not a checksum to check
        return;
      }
      String[] p = path.substring(1).split("/", 5);                       // owner, name, "resolve", rev, file
      if (p.length != 5 || !p[2].equals("resolve")) {
        error(ex, 404, null);
        return;
      }
      String repo = p[0] + "/" + p[1];
      Path dir = repos.get(repo);
      if (dir == null) {
        error(ex, 404, "RepoNotFound");
        return;
      }
      String token = tokens.get(repo);
      if (token != null && !("Bearer " + token).equals(auth)) {
        error(ex, auth == null ? 401 : 403, null);
        return;
      }
      Path file = dir.resolve(p[4]);
      if (!Files.isRegularFile(file)) {
        error(ex, 404, "EntryNotFound");
        return;
      }
      if (p[4].endsWith(".safetensors")) {
        String sha = hex("SHA-256", Files.readAllBytes(file));
        cdn.put(sha, file);
        ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + server.getAddress().getPort() + "/cdn/" + sha);
        ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha + "\"");
        ex.getResponseHeaders().add("X-Linked-Size", Long.toString(Files.size(file)));
        ex.getResponseHeaders().add("ETag", "\"" + sha + "\"");
        ex.sendResponseHeaders(302, -1);
        return;
      }
      byte[] bytes = Files.readAllBytes(file);
      byte[] header = ("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII);
      byte[] blob = new byte[header.length + bytes.length];
      System.arraycopy(header, 0, blob, 0, header.length);
      System.arraycopy(bytes, 0, blob, header.length, bytes.length);
      serve(ex, file, "\"" + hex("SHA-1", blob) + "\"");
    }
  }

  /** Sends the file, or the part a Range asks for, applying this file's fault if one is armed. */
  private void serve(HttpExchange ex, Path file, String etag) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    Fault f = faults.get(file.getFileName().toString());
    if (f != null && f.times <= 0) f = null;
    if (f != null) f.times--;
    long from = 0;
    String range = ex.getRequestHeaders().getFirst("Range");
    if (f != null && f.misrange) {
      ex.getResponseHeaders().add("Content-Range", "bytes 0-" + (bytes.length - 1) + "/" + bytes.length);
      ex.getResponseHeaders().add("ETag", etag);
      ex.sendResponseHeaders(206, bytes.length);
      ex.getResponseBody().write(bytes);
      return;
    }
    if (range != null && range.startsWith("bytes=") && (f == null || !f.ignoreRange)) {
      from = Long.parseLong(range.substring(6, range.indexOf('-')));
      if (from >= bytes.length) {
        ex.getResponseHeaders().add("Content-Range", "bytes */" + bytes.length);
        ex.sendResponseHeaders(416, -1);
        return;
      }
      ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
    }
    if (f != null && f.corrupt) bytes[bytes.length / 2] ^= 1;
    ex.getResponseHeaders().add("ETag", etag);
    ex.sendResponseHeaders(from > 0 ? 206 : 200, bytes.length - from);
    OutputStream out = ex.getResponseBody();
    long end = bytes.length;
    if (f != null && f.dropAfter >= 0) end = Math.min(end, from + f.dropAfter);
    long stallAt = f != null && f.stallAfter >= 0 ? from + f.stallAfter : -1;
    for (long i = from; i < end; ) {
      long next = stallAt > i ? Math.min(end, stallAt) : end;
      out.write(bytes, (int) i, (int) (next - i));
      out.flush();
      i = next;
      if (i == stallAt) pause(f.stallMillis);
    }
    // short of Content-Length: closing the exchange now makes the server drop the connection mid-body
  }

  private static void error(HttpExchange ex, int code, String errorCode) throws IOException {
    if (errorCode != null) ex.getResponseHeaders().add("X-Error-Code", errorCode);
    ex.sendResponseHeaders(code, -1);
  }

  static String hex(String algorithm, byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
