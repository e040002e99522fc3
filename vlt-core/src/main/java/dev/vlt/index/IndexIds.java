package dev.vlt.index;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Public ids of index entries: the first 8 bytes of SHA-256(key) in hex. URLs name entries by this id, never by a path,
 * so a request can only reach what the index holds.
 */
public final class IndexIds {
  private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{16}");

  private IndexIds() {}

  public static String of(String key) {
    return HexFormat.of().formatHex(sha256(key.getBytes(StandardCharsets.UTF_8)), 0, 8);
  }

  /** Whether {@code s} has the shape of an id (it may still name no entry). */
  public static boolean isWellFormed(String s) {
    return s != null && FORMAT.matcher(s).matches();
  }

  static byte[] sha256(byte[] bytes) {
    return digest().digest(bytes);
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
