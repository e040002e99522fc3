package dev.vlt.hub;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one file of a hub repo: {@code GET {endpoint}/{repo}/resolve/{revision}/{file}}, following the hub's
 * redirect to its CDN by hand (to read the checksum headers, and to send the token to the hub's host only). Bytes go
 * to {@code FILE.part}; a dropped connection resumes with an HTTP Range request (a 206 whose Content-Range starts where
 * the part ends is appended, a 200 starts over); the finished file is checked for size and checksum, then renamed into
 * place, so a file in the cache is always complete.
 */
public final class HubClient {
  private static final String USER_AGENT = "vlt/0.1 (java.net.http)";
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
  private static final int MAX_REDIRECTS = 5;

  private final HubConfig cfg;
  private final DownloadListener listener;
  private final HttpClient http;

  public HubClient(HubConfig cfg, DownloadListener listener) {
    this.cfg = cfg;
    this.listener = listener;
    this.http = HttpClient.newBuilder().connectTimeout(cfg.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /**
   * Puts {@code file} of {@code repo}@{@code revision} into {@code dir}, unless it is there already.
   *
   * @return the file, or empty when {@code optional} and the hub has no such file (404)
   */
  public Optional<Path> fetch(RepoId repo, String revision, String file, Path dir, boolean optional) throws IOException {
    Path target = dir.resolve(file);
    if (Files.isRegularFile(target)) {
      listener.finished(file, target, true);
      return Optional.of(target);
    }
    if (cfg.offline()) throw new HubException("offline: " + file + " of " + repo + "@" + revision + " is not in the cache " + dir);
    Files.createDirectories(dir);
    Path locks = Files.createDirectories(cfg.cache().resolve("hub").resolve(".locks").resolve(repo.folderName()));
    try (FileChannel lockFile = FileChannel.open(locks.resolve(file + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lock(lockFile, file)) {
      if (Files.isRegularFile(target)) {   // another process finished it while we waited for the lock
        listener.finished(file, target, true);
        return Optional.of(target);
      }
      Attempt a = new Attempt(repo, revision, file, dir.resolve(file + ".part"), optional);
      for (int attempt = 1; ; attempt++) {
        try {
          if (!a.run()) return Optional.empty();
          Files.move(a.part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          listener.finished(file, target, false);
          return Optional.of(target);
        } catch (Retry r) {
          if (attempt >= cfg.attempts()) throw new HubException(file + ": " + r.getMessage() + " (gave up after " + attempt
              + " attempts; run again to resume)", r.getCause());
          listener.retrying(file, attempt, r.getMessage());
          sleep(Math.min(250L << (attempt - 1), 4000));
        }
      }
    }
  }

  /** The resolve URL of a file; the revision is one path segment, so "refs/pr/1" is percent-encoded. */
  public URI url(RepoId repo, String revision, String file) {
    return URI.create(cfg.endpoint() + "/" + repo + "/resolve/" + encode(revision) + "/" + encode(file));
  }

  static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A failure worth another attempt: the connection dropped or stalled, or the server failed for a moment. */
  private static final class Retry extends Exception {
    Retry(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** One file's download; state that survives attempts (whether we ever connected) lives here. */
  private final class Attempt {
    final RepoId repo;
    final String revision;
    final String file;
    final Path part;
    final boolean optional;
    boolean connected;

    Attempt(RepoId repo, String revision, String file, Path part, boolean optional) {
      this.repo = repo;
      this.revision = revision;
      this.file = file;
      this.part = part;
      this.optional = optional;
    }

    /** Downloads into the part file and verifies it; false when an optional file does not exist. */
    boolean run() throws IOException, Retry {
      Integrity expect = new Integrity();
      URI uri = url(repo, revision, file);
      boolean restarted = false;
      for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
        long have = Files.exists(part) ? Files.size(part) : 0;
        MessageDigest sha = Integrity.sha256Of(part, have);
        boolean hubHost = uri.getHost().equalsIgnoreCase(cfg.endpoint().getHost());
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(cfg.readTimeout()).header("User-Agent", USER_AGENT);
        boolean tokenSent = hubHost && cfg.token() != null;
        if (tokenSent) req.header("Authorization", "Bearer " + cfg.token());
        if (have > 0) req.header("Range", "bytes=" + have + "-");
        Body body = new Body(have, sha);
        HttpResponse<Void> r = await(http.sendAsync(req.build(), body::choose), body, uri);
        connected = true;
        int code = r.statusCode();
        if (code >= 300 && code < 400 && r.headers().firstValue("Location").isPresent()) {
          if (hubHost) expect.fromHub(r.headers());
          uri = uri.resolve(r.headers().firstValue("Location").get());
          continue;
        }
        if (code == 416 || body.badRange) {
          // the server cannot continue this part (it changed, or ranges are off): start the file over, once
          Files.deleteIfExists(part);
          if (restarted) throw new HubException(file + ": the server does not resume consistently (HTTP " + code + ")");
          restarted = true;
          hop--;
          continue;
        }
        if (code == 404 && optional && !"RepoNotFound".equals(r.headers().firstValue("X-Error-Code").orElse(""))) return false;
        if (HubErrors.transientStatus(code)) throw new Retry("server answered HTTP " + code, null);
        if (code != 200 && code != 206) {
          throw HubErrors.status(code, r.headers(), uri, file, repo, revision, tokenSent, cfg.endpoint());
        }
        if (hubHost) expect.etag(r.headers().firstValue("ETag"));
        expect.total(body.total);
        try {
          expect.verify(file, part, sha.digest());
        } catch (HubException e) {
          Files.deleteIfExists(part);   // never resume from bytes that failed the check
          throw e;
        }
        return true;
      }
      throw new HubException(file + ": more than " + MAX_REDIRECTS + " redirects from " + url(repo, revision, file));
    }

    /** Waits for the transfer, failing it when no data arrives within the read timeout. */
    private HttpResponse<Void> await(CompletableFuture<HttpResponse<Void>> f, Body body, URI uri) throws IOException, Retry {
      long limit = cfg.readTimeout().toNanos();
      long start = System.nanoTime();
      long poll = Math.max(20, Math.min(250, cfg.readTimeout().toMillis() / 4));
      try {
        while (true) {
          try {
            return f.get(poll, TimeUnit.MILLISECONDS);
          } catch (TimeoutException e) {
            FileSink sink = body.sink;
            long last = sink == null ? start : sink.lastData();
            if (System.nanoTime() - last > limit) {
              f.cancel(true);
              throw new Retry("no data for " + cfg.readTimeout().toSeconds() + " s from " + uri.getHost() + " (timed out)", null);
            }
          } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (HubErrors.unreachable(cause) && !connected) throw HubErrors.noNetwork(uri, cause);
            if (cause instanceof HttpTimeoutException) {
              throw new Retry("no response within " + cfg.readTimeout().toSeconds() + " s from " + uri.getHost() + " (timed out)", cause);
            }
            if (cause instanceof IOException io) {
              connected = connected || body.sink != null;
              long bytes = Files.exists(part) ? Files.size(part) : 0;
              throw new Retry("connection lost at byte " + bytes + " (" + io.getMessage() + ")", io);
            }
            throw new HubException(file + ": " + cause, cause);
          } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("download of " + file + " interrupted");
          }
        }
      } finally {
        if (body.sink != null) body.sink.close();
      }
    }

    /** Decides, once the status and headers are in, where the body goes. */
    private final class Body {
      final long have;
      final MessageDigest sha;
      volatile FileSink sink;
      volatile boolean badRange;
      volatile long total = -1;

      Body(long have, MessageDigest sha) {
        this.have = have;
        this.sha = sha;
      }

      HttpResponse.BodySubscriber<Void> choose(HttpResponse.ResponseInfo info) {
        int code = info.statusCode();
        long from;
        if (code == 206) {
          Matcher m = CONTENT_RANGE.matcher(info.headers().firstValue("Content-Range").orElse(""));
          if (!m.matches() || Long.parseLong(m.group(1)) != have) {
            badRange = true;
            return HttpResponse.BodySubscribers.discarding();
          }
          from = have;
          if (!m.group(3).equals("*")) total = Long.parseLong(m.group(3));
        } else if (code == 200) {
          from = 0;                     // the server ignored the Range header: the whole file comes again
          sha.reset();
          long length = info.headers().firstValueAsLong("Content-Length").orElse(-1);
          total = length;
        } else {
          return HttpResponse.BodySubscribers.discarding();
        }
        try {
          FileChannel out = from > 0
              ? FileChannel.open(part, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
              : FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
          listener.started(file, total, from);
          sink = new FileSink(out, sha, from, done -> listener.progressed(file, done));
          return sink;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    }
  }

  private static FileLock lock(FileChannel ch, String file) throws IOException {
    try {
      FileLock lock = ch.tryLock();
      if (lock != null) return lock;
    } catch (OverlappingFileLockException e) {
      // this JVM holds it: fall through to the same message
    }
    throw new HubException(file + " is being downloaded by another process; wait for it, or remove its .lock file if none runs");
  }

  private static void sleep(long millis) throws InterruptedIOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
  }
}
