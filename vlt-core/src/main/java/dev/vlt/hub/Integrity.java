package dev.vlt.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a file must be, as the hub states it. For LFS files (weights) the hub's ETag is the content's sha256, sent as
 * {@code X-Linked-Etag} on the redirect to the CDN together with {@code X-Linked-Size}; for small git-stored files
 * (configs, vocab) the ETag is the git blob id, sha1("blob SIZE\0" + content). An ETag of any other form (a mirror's,
 * a CDN's md5) is not a checksum we can check, so only the size is verified then.
 */
final class Integrity {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");

  long size = -1;
  String sha256;
  String gitSha1;

  /** Headers of a redirect from the hub itself: the linked (LFS) size and sha256 if present, else its ETag. */
  void fromHub(HttpHeaders h) {
    h.firstValue("X-Linked-Size").ifPresent(s -> size = parseSize(s));
    Optional<String> linked = h.firstValue("X-Linked-Etag");
    etag(linked.isPresent() ? linked : h.firstValue("ETag"));
  }

  /** The ETag of a final response, used only when nothing better is known. */
  void etag(Optional<String> etag) {
    if (sha256 != null || gitSha1 != null || etag.isEmpty()) return;
    String e = etag.get().trim();
    if (e.startsWith("W/")) e = e.substring(2);
    e = e.replace("\"", "").toLowerCase(Locale.ROOT);
    if (SHA256.matcher(e).matches()) sha256 = e;
    else if (SHA1.matcher(e).matches()) gitSha1 = e;
  }

  /** The total from a 206's Content-Range or a 200's Content-Length, when the hub did not say. */
  void total(long total) {
    if (size < 0 && total >= 0) size = total;
  }

  /**
   * Checks the completed part file. {@code streamedSha256} is the digest of every byte of it, computed while
   * downloading (the resumed prefix included).
   */
  void verify(String file, Path part, byte[] streamedSha256) throws HubException, IOException {
    long actual = Files.size(part);
    if (size >= 0 && actual != size) {
      throw new HubException(file + ": got " + actual + " bytes, the hub says " + size);
    }
    if (sha256 != null) {
      String got = HexFormat.of().formatHex(streamedSha256);
      if (!got.equals(sha256)) {
        throw new HubException(file + ": sha256 " + got + " does not match the hub's " + sha256 + "; the download was discarded");
      }
    } else if (gitSha1 != null) {
      String got = gitBlobSha1(part, actual);
      if (!got.equals(gitSha1)) {
        throw new HubException(file + ": git blob id " + got + " does not match the hub's " + gitSha1 + "; the download was discarded");
      }
    }
  }

  /** The hash of what is already in {@code part}, so a resumed download still checks the whole file. */
  static MessageDigest sha256Of(Path part, long bytes) throws IOException {
    MessageDigest md = sha256();
    if (bytes == 0) return md;
    try (InputStream in = Files.newInputStream(part)) {
      byte[] buf = new byte[1 << 16];
      long left = bytes;
      for (int n; left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0; left -= n) md.update(buf, 0, n);
    }
    return md;
  }

  static MessageDigest sha256() {
    return digest("SHA-256");
  }

  private static String gitBlobSha1(Path file, long size) throws IOException {
    MessageDigest md = digest("SHA-1");
    md.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is missing from this JVM", e);   // every JVM must ship both
    }
  }

  private static long parseSize(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
