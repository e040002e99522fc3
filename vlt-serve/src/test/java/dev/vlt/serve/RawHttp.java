package dev.vlt.serve;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends bytes exactly as written (no client-side URL normalisation) and reads the answer. */
final class RawHttp {
  private RawHttp() {}

  static String response(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder sb = new StringBuilder();
      byte[] buf = new byte[8192];
      // read until the server closes, or the headers and a Content-Length worth of body are in
      for (int r; (r = in.read(buf)) > 0; ) {
        sb.append(new String(buf, 0, r, StandardCharsets.ISO_8859_1));
        if (complete(sb)) break;
      }
      return sb.toString();
    }
  }

  static int status(int port, String request) throws IOException {
    String r = response(port, request);
    if (!r.startsWith("HTTP/1.1 ")) throw new IOException("not an HTTP response: " + r);
    return Integer.parseInt(r.substring(9, 12));
  }

  /** The first value of header {@code name} in a raw response, or null. */
  static String header(String response, String name) {
    int end = response.indexOf("\r\n\r\n");
    for (String line : response.substring(0, end < 0 ? response.length() : end).split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) return line.substring(colon + 1).strip();
    }
    return null;
  }

  private static boolean complete(StringBuilder sb) {
    int end = sb.indexOf("\r\n\r\n");
    if (end < 0) return false;
    String headers = sb.substring(0, end).toLowerCase();
    int cl = headers.indexOf("content-length:");
    if (cl < 0) return false;
    int eol = headers.indexOf("\r\n", cl);
    long n = Long.parseLong(headers.substring(cl + 15, eol < 0 ? headers.length() : eol).strip());
    return sb.length() - end - 4 >= n;
  }
}
