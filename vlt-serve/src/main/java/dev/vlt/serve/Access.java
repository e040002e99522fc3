package dev.vlt.serve;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Who the server answers, beyond the address it listens on (docs/serving.md states the rules for users).
 *
 * <ul>
 *   <li>Without a token, only requests whose {@code Host} is a loopback name or address, or one of {@code allowedHosts},
 *       are answered: a web page that rebinds its own domain name to 127.0.0.1 sends its own name as the Host.
 *   <li>With a token, every API call carries it ({@code Authorization: Bearer TOKEN}, or the cookie the page gets for
 *       {@code /?token=TOKEN}); the Host is then checked only when {@code allowedHosts} names some.
 * </ul>
 *
 * @param token the secret API calls must carry, or null for none; URL- and cookie-safe characters only
 * @param noAuth the explicit choice to be reachable beyond this machine without a token
 * @param allowedHosts names accepted in the Host header besides the loopback ones: {@code name} (any port) or
 *     {@code name:port}; lowercase
 * @param corsOrigin the one origin besides the page's own whose scripts may call the API, or null for none
 * @param trustProxy a reverse proxy in front terminates HTTPS: honour its {@code X-Forwarded-Proto}
 */
public record Access(String token, boolean noAuth, List<String> allowedHosts, String corsOrigin, boolean trustProxy) {
  /** No token, loopback Host names only, no CORS: the default. */
  public static final Access LOCAL = new Access(null, false, List.of(), null, false);

  static final int MIN_TOKEN = 16;
  static final int MAX_TOKEN = 256;
  /** RFC 3986's unreserved characters: the token travels unescaped in a query string, a header and a cookie. */
  private static final Pattern TOKEN_CHARS = Pattern.compile("[A-Za-z0-9._~-]+");
  /** A DNS name or IPv4 address, or an IPv6 literal in brackets, with an optional port: what a Host header holds. */
  static final String HOST_PORT = "([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\\[[0-9a-f:.]+\\])(?::([0-9]{1,5}))?";
  private static final Pattern ALLOWED_HOST = Pattern.compile(HOST_PORT);
  private static final Pattern ORIGIN = Pattern.compile("https?://" + HOST_PORT);
  private static final SecureRandom RANDOM = new SecureRandom();

  public Access {
    if (token != null) {
      if (noAuth) throw new IllegalArgumentException("give a token (--token or VLT_SERVE_TOKEN) or --no-auth, not both");
      if (token.length() < MIN_TOKEN || token.length() > MAX_TOKEN || !TOKEN_CHARS.matcher(token).matches()) {
        throw new IllegalArgumentException("a token must be " + MIN_TOKEN + " to " + MAX_TOKEN
            + " characters of A-Z a-z 0-9 . _ ~ - (e.g. from 'openssl rand -hex 24')");
      }
    }
    allowedHosts = allowedHosts.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
    for (String h : allowedHosts) {
      if (!ALLOWED_HOST.matcher(h).matches()) {
        throw new IllegalArgumentException("--allow-host takes a host name as a browser sends it, like vlt.example.com or vlt.example.com:8443, got '" + h + "'");
      }
    }
    if (corsOrigin != null) {
      corsOrigin = corsOrigin.strip().toLowerCase(Locale.ROOT);
      if (!ORIGIN.matcher(corsOrigin).matches()) {
        throw new IllegalArgumentException("--cors-origin takes one origin like https://app.example.com (scheme, host, optional port; no path, no *), got '" + corsOrigin + "'");
      }
    }
  }

  /** Only a token (loopback Host names, no CORS, no proxy). */
  public static Access withToken(String token) {
    return new Access(token, false, List.of(), null, false);
  }

  /** 32 bytes from SecureRandom, base64url without padding (43 characters). */
  public static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The token is a secret: never in a log line or an error message. */
  @Override
  public String toString() {
    return "Access[token=" + (token == null ? "none" : "set") + ", noAuth=" + noAuth + ", allowedHosts=" + allowedHosts
        + ", corsOrigin=" + corsOrigin + ", trustProxy=" + trustProxy + "]";
  }
}
