package dev.vlt.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading requests and writing responses on the JDK's HttpExchange, with the limits the server promises. */
final class Exchanges {
  static final ObjectMapper JSON = new ObjectMapper();
  /**
   * A refused body up to this size is read and thrown away before the 413 goes out: closing a socket with unread input
   * makes Linux send a reset, and the client would see "connection reset" instead of the 413.
   */
  static final long DRAIN_BUDGET = 32L << 20;
  /**
   * The page loads only its own script, style sheet and images (plus the blob: preview of a chosen file) and talks only
   * to its own origin: an injected script or style has nowhere to run from and nowhere to send anything.
   */
  static final String PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
      + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
  /** Anything else (JSON, thumbnails) is data: nothing in it may run, load or be framed. */
  static final String DATA_CSP = "default-src 'none'; frame-ancestors 'none'";

  private Exchanges() {}

  /** Query parameters (first value wins); malformed escapes are a 400. */
  static Map<String, String> query(HttpExchange ex) {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = ex.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) return out;
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      try {
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        out.putIfAbsent(k, v);
      } catch (IllegalArgumentException e) {
        throw new HttpError(400, "malformed query string: " + e.getMessage());
      }
    }
    return out;
  }

  /** An integer query parameter in [min, max], or {@code fallback} when absent. */
  static int intParam(Map<String, String> q, String name, int fallback, int min, int max) {
    String v = q.get(name);
    if (v == null || v.isEmpty()) return fallback;
    try {
      int n = Integer.parseInt(v.strip());
      if (n < min || n > max) throw new HttpError(400, name + " must be in " + min + ".." + max + ", got " + n);
      return n;
    } catch (NumberFormatException e) {
      throw new HttpError(400, name + " must be an integer, got '" + v + "'");
    }
  }

  /** The whole body, or 413 when it is (or declares itself) longer than {@code limit}; an empty body is a 400. */
  static byte[] body(HttpExchange ex, long limit) throws IOException {
    long declared = declaredLength(ex);
    if (declared > limit) throw tooLarge(declared + " bytes", limit);
    InputStream in = ex.getRequestBody();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[1 << 16];
    long total = 0;
    for (int r; (r = in.read(chunk)) > 0; ) {
      total += r;
      if (total > limit) throw tooLarge("more than " + limit + " bytes", limit);
      buf.write(chunk, 0, r);
    }
    if (total == 0) throw new HttpError(400, "empty request body: send the image bytes as the body");
    return buf.toByteArray();
  }

  /** Content-Length, or -1 when the body is chunked or absent. */
  private static long declaredLength(HttpExchange ex) {
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared == null) return -1;
    try {
      return Long.parseLong(declared.strip());
    } catch (NumberFormatException e) {
      throw new HttpError(400, "bad Content-Length '" + declared + "'");
    }
  }

  private static HttpError tooLarge(String what, long limit) {
    return new HttpError(413, "request body of " + what + " is over the limit of " + limit + " bytes");
  }

  /**
   * Reads and drops what is left of a refused request's body, up to {@link #DRAIN_BUDGET}, so the client gets to read the
   * error; a body declared larger than that is left alone (the connection is closed after the answer).
   */
  static void discardBody(HttpExchange ex) {
    try {
      long declared = declaredLength(ex);
      if (declared > DRAIN_BUDGET) return;
      InputStream in = ex.getRequestBody();
      byte[] sink = new byte[1 << 16];
      long seen = 0;
      for (int r; seen < DRAIN_BUDGET && (r = in.read(sink)) > 0; ) seen += r;
    } catch (IOException | HttpError e) {
      // the client is gone or the request is malformed: the answer goes out (or not) either way
    }
  }

  static void sendJson(HttpExchange ex, int status, Object value) throws IOException {
    send(ex, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(value));
  }

  static void sendError(HttpExchange ex, int status, String message) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", message);
    m.put("status", status);
    if (status == 503) ex.getResponseHeaders().set("Retry-After", "1");
    sendJson(ex, status, m);
  }

  static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
    Headers h = ex.getResponseHeaders();
    h.set("Content-Type", contentType);
    h.set("X-Content-Type-Options", "nosniff");
    // answers are the user's collection (thumbnails too): no copy is kept by the browser's or anyone's cache
    h.set("Cache-Control", "no-store");
    h.set("Content-Security-Policy", contentType.startsWith("text/html") ? PAGE_CSP : DATA_CSP);
    h.set("X-Frame-Options", "DENY");
    h.set("Referrer-Policy", "no-referrer");
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
