package dev.vlt.serve;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Enforces an {@link Access} on each request, before any route sees it. */
final class Guard {
  private static final Pattern HOST_HEADER = Pattern.compile(Access.HOST_PORT);
  private static final Pattern IPV4 = Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");

  private final Access access;
  private final byte[] token; // null without one
  private final boolean hostChecked;
  /** Cookies are shared by every port of a host name: the port in the name keeps two local servers apart. */
  private final String cookieName;

  Guard(Access access, int port) {
    this.access = access;
    this.token = access.token() == null ? null : access.token().getBytes(StandardCharsets.UTF_8);
    // With a token a rebinding page gets nowhere: it cannot know the token, and the browser sends the cookie only to
    // the name it was set for. The Host is then checked only if the user listed names.
    this.hostChecked = token == null || !access.allowedHosts().isEmpty();
    this.cookieName = "vlt-token-" + port;
  }

  /** 403 unless the request's one Host header names this server: a loopback name or address, or an allowed name. */
  void checkHost(HttpExchange ex) {
    if (!hostChecked) return;
    List<String> hosts = ex.getRequestHeaders().get("Host");
    if (hosts == null || hosts.size() != 1) throw new HttpError(403, "a request needs exactly one Host header");
    String host = hosts.get(0).strip().toLowerCase(Locale.ROOT);
    if (!isAllowedHost(host)) {
      String shown = host.length() > 80 ? host.substring(0, 80) + "…" : host;
      throw new HttpError(403, "Host '" + shown + "' is not a name of this server: it answers localhost, 127.0.0.1 and [::1]"
          + (access.allowedHosts().isEmpty() ? "" : " and the --allow-host names") + " only");
    }
  }

  /** {@code host} is a lowercased Host header value. */
  boolean isAllowedHost(String host) {
    Matcher m = HOST_HEADER.matcher(host);
    if (!m.matches()) return false;
    String name = m.group(1);
    if (isLoopbackName(name)) return true;
    return access.allowedHosts().contains(name) || access.allowedHosts().contains(host);
  }

  /**
   * localhost, a 127/8 address or the IPv6 loopback; never a DNS lookup (a name that resolves to 127.0.0.1 is exactly
   * what a rebinding attack uses). 0.0.0.0 is not loopback, though some browsers once reached local servers through it.
   */
  static boolean isLoopbackName(String name) {
    if (name.equals("localhost")) return true;
    Matcher v4 = IPV4.matcher(name);
    if (v4.matches()) {
      for (int i = 1; i <= 4; i++) if (Integer.parseInt(v4.group(i)) > 255) return false;
      return v4.group(1).equals("127");
    }
    if (name.startsWith("[")) {
      try {
        // a bracketed name is parsed as an IPv6 literal or refused; InetAddress never looks it up
        return InetAddress.getByName(name).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  /** 401 unless the request carries the token, as a bearer token or as the page's cookie. */
  void authenticate(HttpExchange ex) {
    if (token == null) return;
    String given = bearer(ex.getRequestHeaders().getFirst("Authorization"));
    if (given == null) given = cookie(ex.getRequestHeaders().get("Cookie"));
    if (given == null || !isToken(given)) throw unauthorized(ex);
  }

  /**
   * For the page: {@code ?token=TOKEN} is exchanged for an HttpOnly, SameSite=Strict cookie and a redirect to the same
   * URL without it, so the token leaves the address bar and the history. True when the request has been answered. The
   * page itself is served without a token: it holds no data, and every call it makes needs the cookie.
   */
  boolean exchangeToken(HttpExchange ex) throws IOException {
    if (token == null) return false;
    String given = Exchanges.query(ex).get("token");
    if (given == null) return false;
    if (!isToken(given)) throw unauthorized(ex);
    Headers h = ex.getResponseHeaders();
    h.add("Set-Cookie", cookieName + "=" + access.token() + "; Path=/; HttpOnly; SameSite=Strict" + (viaHttps(ex) ? "; Secure" : ""));
    // the path is one of the page's own (routes match exactly), so the redirect cannot lead anywhere else
    String rest = withoutToken(ex.getRequestURI().getRawQuery());
    h.set("Location", ex.getRequestURI().getRawPath() + (rest.isEmpty() ? "" : "?" + rest));
    Exchanges.send(ex, 303, "text/plain; charset=utf-8", new byte[0]);
    return true;
  }

  /**
   * CORS for the one allowed origin: its requests get {@code Access-Control-Allow-Origin}, and its preflight is answered
   * here (true when answered). Other origins get no CORS header, so browsers keep their scripts from reading answers.
   * Credentials (cookies) are never allowed cross-origin: the allowed origin sends the bearer token.
   */
  boolean cors(HttpExchange ex, Set<String> methods) throws IOException {
    if (access.corsOrigin() == null) return false;
    Headers h = ex.getResponseHeaders();
    h.add("Vary", "Origin");
    if (!access.corsOrigin().equals(ex.getRequestHeaders().getFirst("Origin"))) return false;
    h.set("Access-Control-Allow-Origin", access.corsOrigin());
    boolean preflight = ex.getRequestMethod().equals("OPTIONS") && ex.getRequestHeaders().containsKey("Access-Control-Request-Method");
    if (!preflight || methods.isEmpty()) return false;
    h.set("Access-Control-Allow-Methods", String.join(", ", methods));
    h.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
    h.set("Access-Control-Max-Age", "600");
    Exchanges.send(ex, 204, "text/plain; charset=utf-8", new byte[0]);
    return true;
  }

  /** The client reached the proxy over HTTPS, by the proxy's word; without --trust-proxy nobody's word is taken. */
  private boolean viaHttps(HttpExchange ex) {
    if (!access.trustProxy()) return false;
    String proto = ex.getRequestHeaders().getFirst("X-Forwarded-Proto");
    // a chain of proxies appends: the first entry is what the client used
    return proto != null && proto.split(",")[0].strip().equalsIgnoreCase("https");
  }

  /** Constant time in the given value: only the length of the expected token could leak, and that is public. */
  private boolean isToken(String given) {
    return MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpError unauthorized(HttpExchange ex) {
    ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
    return new HttpError(401, "unauthorized");
  }

  private static String bearer(String authorization) {
    if (authorization == null) return null;
    String a = authorization.strip();
    return a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7).strip() : null;
  }

  private String cookie(List<String> headers) {
    if (headers == null) return null;
    for (String header : headers) {
      for (String c : header.split(";")) {
        String pair = c.strip();
        if (pair.startsWith(cookieName + "=")) return pair.substring(cookieName.length() + 1);
      }
    }
    return null;
  }

  /** The raw query without its {@code token} parameters, the rest as it was sent. */
  static String withoutToken(String rawQuery) {
    if (rawQuery == null) return "";
    List<String> kept = new ArrayList<>();
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      if (!pair.isEmpty() && !key.equals("token")) kept.add(pair);
    }
    return String.join("&", kept);
  }
}
