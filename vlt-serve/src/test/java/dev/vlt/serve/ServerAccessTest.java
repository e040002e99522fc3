package dev.vlt.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlt.infer.Embedder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whom the server answers (issue 24): the Host check against DNS rebinding, the token (bearer header, and the page's
 * ?token= exchanged for a cookie), CORS for one origin, the proxy's X-Forwarded-Proto, and the headers every answer
 * carries. Requests with a forged Host go over a raw socket: java.net.http will not send one.
 */
class ServerAccessTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TOKEN = "s3cret-Token_0123456789.abc~";
  static final String ORIGIN = "https://app.example.com";
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  static Embedder embedder;
  static VltServer open;
  static VltServer allowing;
  static VltServer withToken;
  static VltServer proxied;

  @BeforeAll
  static void start() throws Exception {
    embedder = ServeFixtures.embedder();
    open = VltServer.start(ServeConfig.defaults(0), embedder, null);
    allowing = VltServer.start(ServeConfig.defaults(0).withAccess(
        new Access(null, false, List.of("vlt.example.com", "Other.Example:8443"), null, false)), embedder, null);
    withToken = VltServer.start(ServeConfig.defaults(0).withAccess(Access.withToken(TOKEN)), embedder, null);
    proxied = VltServer.start(ServeConfig.defaults(0).withAccess(new Access(TOKEN, false, List.of(), ORIGIN, true)), embedder, null);
  }

  @AfterAll
  static void stop() {
    for (VltServer s : new VltServer[] {open, allowing, withToken, proxied}) if (s != null) s.close();
    if (embedder != null) embedder.close();
  }

  /** A raw GET with these extra header lines (each without its CRLF). */
  static String raw(VltServer s, String method, String path, String... headers) throws Exception {
    StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
    for (String h : headers) req.append(h).append("\r\n");
    return RawHttp.response(s.port(), req.append("Connection: close\r\n\r\n").toString());
  }

  static int status(String response) {
    return Integer.parseInt(response.substring(9, 12));
  }

  static JsonNode body(String response) throws Exception {
    return JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
  }

  static HttpResponse<String> get(VltServer s, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path));
    if (headers.length > 0) b.headers(headers);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aRebindingHostGets403WithAOneLineReason() throws Exception {
    int port = open.port();
    List<String> foreign = List.of("evil.example.com", "evil.example.com:" + port, "localhost.evil.example.com:" + port,
        "127.0.0.1.nip.io:" + port, "0.0.0.0:" + port, "999.0.0.1:" + port, "[::2]:" + port, "[::1%25lo]:" + port,
        "localhost:" + port + "@evil.example.com", "localhost:" + port + " evil.example.com", "");
    for (String host : foreign) {
      for (String path : List.of("/api/health", "/", "/app.js", "/api/nope")) {
        String r = raw(open, "GET", path, "Host: " + host);
        assertEquals(403, status(r), host + " " + path);
        String error = body(r).get("error").asText();
        assertTrue(error.contains("is not a name of this server"), error);
        assertFalse(error.contains("\n"), "one line");
      }
    }
    // a POST is refused before its body is read or any model work is queued
    String json = "{\"texts\": [\"a cat\"]}";
    String post = RawHttp.response(port, "POST /api/embed HTTP/1.1\r\nHost: evil.example.com\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + json.length() + "\r\nConnection: close\r\n\r\n" + json);
    assertEquals(403, status(post));
    assertEquals(0, open.admission().inFlight());
    assertEquals(403, status(raw(open, "GET", "/api/health", "Host: localhost", "Host: evil.example.com")), "two Host headers");
    assertEquals(403, status(RawHttp.response(port, "GET /api/health HTTP/1.0\r\n\r\n")), "no Host header");
  }

  @Test
  void loopbackHostsGet200() throws Exception {
    int port = open.port();
    for (String host : List.of("localhost:" + port, "LocalHost:" + port, "localhost", "127.0.0.1:" + port, "127.0.0.1",
        "127.1.2.3:" + port, "[::1]:" + port, "[0:0:0:0:0:0:0:1]:" + port)) {
      String r = raw(open, "GET", "/api/health", "Host: " + host);
      assertEquals(200, status(r), host);
      assertEquals("ok", body(r).get("status").asText());
      assertEquals(200, status(raw(open, "GET", "/", "Host: " + host)), host);
    }
    // java.net.http sends Host: 127.0.0.1:PORT, as a browser at the printed URL does
    assertEquals(200, get(open, "/api/health").statusCode());
  }

  @Test
  void allowedHostNamesAreAnsweredAndOnlyThose() throws Exception {
    for (String host : List.of("vlt.example.com", "VLT.example.com:443", "vlt.example.com:" + allowing.port(), "other.example:8443", "localhost")) {
      assertEquals(200, status(raw(allowing, "GET", "/api/health", "Host: " + host)), host);
    }
    for (String host : List.of("other.example:8444", "other.example", "evil.example.com", "vlt.example.com.evil.example")) {
      String r = raw(allowing, "GET", "/api/health", "Host: " + host);
      assertEquals(403, status(r), host);
      assertTrue(body(r).get("error").asText().contains("--allow-host"));
    }
  }

  @Test
  void apiCallsWithoutTheTokenGet401AndWithItGet200() throws Exception {
    List<String[]> wrong = List.of(new String[0],
        new String[] {"Authorization", "Bearer wrong"},
        new String[] {"Authorization", "Bearer " + TOKEN + "x"},
        new String[] {"Authorization", "Bearer " + TOKEN.substring(0, TOKEN.length() - 1)},
        new String[] {"Authorization", "Bearer"},
        new String[] {"Authorization", "Basic " + Base64.getEncoder().encodeToString(("vlt:" + TOKEN).getBytes(StandardCharsets.UTF_8))},
        new String[] {"Authorization", TOKEN},
        new String[] {"Cookie", "vlt-token-" + withToken.port() + "=wrong"},
        new String[] {"Cookie", "vlt-token-1=" + TOKEN});
    for (String path : List.of("/api/health", "/api/search?q=cat", "/api/thumb?id=0123456789abcdef", "/api/nope")) {
      for (String[] h : wrong) {
        HttpResponse<String> r = get(withToken, path, h);
        assertEquals(401, r.statusCode(), path + " " + String.join(": ", h));
        assertEquals("{\"error\":\"unauthorized\",\"status\":401}", r.body(), "nothing else said");
        assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElse(""));
      }
    }
    HttpRequest embed = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + withToken.port() + "/api/embed"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"texts\": [\"a cat\"]}")).build();
    assertEquals(401, http.send(embed, HttpResponse.BodyHandlers.ofString()).statusCode());

    HttpResponse<String> ok = get(withToken, "/api/health", "Authorization", "Bearer " + TOKEN);
    assertEquals(200, ok.statusCode(), ok.body());
    assertEquals(200, get(withToken, "/api/health", "Authorization", "bearer  " + TOKEN).statusCode(), "the scheme is case-insensitive");
    HttpResponse<String> embedded = http.send(HttpRequest.newBuilder(embed, (k, v) -> true).header("Authorization", "Bearer " + TOKEN).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, embedded.statusCode(), embedded.body());
    assertEquals(32, JSON.readTree(embedded.body()).get("dim").asInt());
    // with a token the Host is not checked: a rebinding page cannot know the token
    assertEquals(200, status(raw(withToken, "GET", "/api/health", "Host: vlt.example.com", "Authorization: Bearer " + TOKEN)));
    assertEquals(401, status(raw(withToken, "GET", "/api/health", "Host: vlt.example.com")));
  }

  @Test
  void thePageTradesTheTokenForAnHttpOnlyStrictCookieAndDropsItFromTheUrl() throws Exception {
    String cookieName = "vlt-token-" + withToken.port();
    HttpResponse<String> page = get(withToken, "/");
    assertEquals(200, page.statusCode(), "the page itself holds no data");
    assertTrue(page.headers().allValues("Set-Cookie").isEmpty());

    HttpResponse<String> traded = get(withToken, "/?q=a%20cat&token=" + TOKEN + "&k=12");
    assertEquals(303, traded.statusCode());
    assertEquals("/?q=a%20cat&k=12", traded.headers().firstValue("Location").orElse(""));
    String cookie = traded.headers().firstValue("Set-Cookie").orElse("");
    List<String> attributes = List.of(cookie.split(";\\s*"));
    assertEquals(cookieName + "=" + TOKEN, attributes.get(0));
    assertTrue(attributes.containsAll(List.of("Path=/", "HttpOnly", "SameSite=Strict")), cookie);
    assertFalse(attributes.contains("Secure"), "plain HTTP: a Secure cookie would never come back");
    assertEquals("/index.html", get(withToken, "/index.html?token=" + TOKEN).headers().firstValue("Location").orElse(""));

    assertEquals(200, get(withToken, "/api/health", "Cookie", "theme=dark; " + cookieName + "=" + TOKEN).statusCode());
    assertEquals(404, get(withToken, "/api/search?q=x", "Cookie", cookieName + "=" + TOKEN).statusCode(), "past the token: this server has no index");

    HttpResponse<String> wrong = get(withToken, "/?token=" + TOKEN.toUpperCase());
    assertEquals(401, wrong.statusCode());
    assertTrue(wrong.headers().allValues("Set-Cookie").isEmpty());
    // the server with no token ignores ?token= and just serves the page
    assertEquals(200, get(open, "/?token=anything").statusCode());
  }

  @Test
  void behindATrustedProxyTheCookieIsSecure() throws Exception {
    String viaHttps = raw(proxied, "GET", "/?token=" + TOKEN, "Host: localhost", "X-Forwarded-Proto: https");
    assertEquals(303, status(viaHttps));
    assertTrue(RawHttp.header(viaHttps, "Set-Cookie").endsWith("; Secure"), viaHttps);
    String viaHttp = raw(proxied, "GET", "/?token=" + TOKEN, "Host: localhost", "X-Forwarded-Proto: http");
    assertFalse(RawHttp.header(viaHttp, "Set-Cookie").contains("Secure"));
    // without --trust-proxy the header is anyone's word and is not taken
    String untrusted = raw(withToken, "GET", "/?token=" + TOKEN, "Host: localhost", "X-Forwarded-Proto: https");
    assertEquals(303, status(untrusted));
    assertFalse(RawHttp.header(untrusted, "Set-Cookie").contains("Secure"));
    // nor does the proxy's forwarded host ever stand in for Host (docs/serving.md says why)
    String forwarded = raw(open, "GET", "/api/health", "Host: evil.example.com", "X-Forwarded-Host: localhost");
    assertEquals(403, status(forwarded));
  }

  @Test
  void everyAnswerCarriesTheProtectiveHeaders() throws Exception {
    HttpResponse<String> page = get(open, "/");
    assertEquals(Exchanges.PAGE_CSP, page.headers().firstValue("Content-Security-Policy").orElse(""));
    assertFalse(Exchanges.PAGE_CSP.contains("unsafe"), "no inline script or style allowed");
    assertTrue(Exchanges.PAGE_CSP.contains("frame-ancestors 'none'"));
    // the page can live with that policy: no inline script, style or handler
    String html = page.body();
    assertTrue(html.contains("<script src=\"/app.js\"></script>"));
    assertEquals(1, html.split("<script").length - 1, "one script, loaded from /app.js");
    for (String inline : List.of("<style", " style=", " onclick=", " onload=", "javascript:")) assertFalse(html.contains(inline), inline);
    for (String path : List.of("/", "/app.js", "/style.css", "/api/health", "/api/nope")) {
      HttpResponse<String> r = get(open, path);
      assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""), path);
      assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), path);
      assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(""), path);
      assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""), path);
      assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"), path);
    }
    assertEquals(Exchanges.DATA_CSP, get(open, "/api/health").headers().firstValue("Content-Security-Policy").orElse(""));
    assertEquals("no-store", get(withToken, "/api/health").headers().firstValue("Cache-Control").orElse(""), "a 401 too");
  }

  @Test
  void noCorsByDefault() throws Exception {
    HttpResponse<String> r = get(open, "/api/health", "Origin", "https://evil.example.com");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
    String preflight = raw(open, "OPTIONS", "/api/search", "Host: localhost", "Origin: " + ORIGIN,
        "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: content-type");
    assertEquals(405, status(preflight));
    assertNull(RawHttp.header(preflight, "Access-Control-Allow-Origin"));
  }

  @Test
  void corsAllowsTheOneOriginAndAnswersItsPreflight() throws Exception {
    String preflight = raw(proxied, "OPTIONS", "/api/search", "Host: localhost", "Origin: " + ORIGIN,
        "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: authorization, content-type");
    assertEquals(204, status(preflight), preflight);
    assertEquals(ORIGIN, RawHttp.header(preflight, "Access-Control-Allow-Origin"));
    assertEquals("GET, POST", RawHttp.header(preflight, "Access-Control-Allow-Methods"));
    assertTrue(RawHttp.header(preflight, "Access-Control-Allow-Headers").contains("Authorization"));
    assertNull(RawHttp.header(preflight, "Access-Control-Allow-Credentials"), "cookies never go cross-origin");

    HttpResponse<String> call = get(proxied, "/api/health", "Origin", ORIGIN, "Authorization", "Bearer " + TOKEN);
    assertEquals(200, call.statusCode());
    assertEquals(ORIGIN, call.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
    assertTrue(call.headers().allValues("Vary").contains("Origin"));
    HttpResponse<String> noToken = get(proxied, "/api/health", "Origin", ORIGIN);
    assertEquals(401, noToken.statusCode());
    assertEquals(ORIGIN, noToken.headers().firstValue("Access-Control-Allow-Origin").orElse(""), "the caller can read its 401");

    String other = raw(proxied, "OPTIONS", "/api/search", "Host: localhost", "Origin: https://evil.example.com",
        "Access-Control-Request-Method: POST");
    assertNotEquals(204, status(other));
    assertNull(RawHttp.header(other, "Access-Control-Allow-Origin"));
    HttpResponse<String> otherCall = get(proxied, "/api/health", "Origin", "https://evil.example.com", "Authorization", "Bearer " + TOKEN);
    assertTrue(otherCall.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
  }

  @Test
  void listeningBeyondLoopbackNeedsATokenOrAnExplicitNoAuth() throws Exception {
    ServeConfig wide = new ServeConfig("0.0.0.0", 0, 1, 1, 1 << 20, Duration.ofSeconds(5), Access.LOCAL);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VltServer.start(wide, embedder, null));
    assertTrue(e.getMessage().contains("--no-auth"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> VltServer.start(ServeConfig.defaults(0).withAccess(
        new Access(null, false, List.of(), null, true)), embedder, null), "a trusted proxy means others reach it");
    assertTrue(wide.exposed());
    assertFalse(ServeConfig.defaults(0).exposed());
    assertFalse(ServeConfig.defaults(0).withAccess(new Access(null, false, List.of(), null, false)).exposed());

    try (VltServer noAuth = VltServer.start(wide.withAccess(new Access(null, true, List.of(), null, false)), embedder, null)) {
      assertEquals(200, status(raw(noAuth, "GET", "/api/health", "Host: localhost")));
      assertEquals(403, status(raw(noAuth, "GET", "/api/health", "Host: evil.example.com")), "the Host check still applies");
    }
  }

  @Test
  void tokensAreRandomUrlSafeAndCheckedOnInput() {
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 4; i++) tokens.add(Access.newToken());
    assertEquals(4, tokens.stream().distinct().count());
    for (String t : tokens) {
      assertEquals(43, t.length());
      assertTrue(t.matches("[A-Za-z0-9_-]+"), t);
      assertEquals(32, Base64.getUrlDecoder().decode(t).length);
      Access.withToken(t); // valid as a token of our own
    }
    for (String bad : List.of("short", "has space in it 0123456789", "semi;colon-0123456789", "x".repeat(257), "per%cent-0123456789ab")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Access.withToken(bad), bad);
      assertFalse(e.getMessage().contains(bad), "the message does not echo a secret");
    }
    assertThrows(IllegalArgumentException.class, () -> new Access(TOKEN, true, List.of(), null, false));
    for (String origin : List.of("*", "https://app.example.com/", "https://app.example.com/path", "app.example.com", "ftp://x.example")) {
      assertThrows(IllegalArgumentException.class, () -> new Access(null, false, List.of(), origin, false), origin);
    }
    for (String host : List.of("http://vlt.example.com", "vlt.example.com/", "*.example.com", "")) {
      assertThrows(IllegalArgumentException.class, () -> new Access(null, false, List.of(host), null, false), host);
    }
    assertEquals("https://app.example.com:8443", new Access(null, false, List.of(), "HTTPS://App.Example.com:8443", false).corsOrigin());
    assertFalse(Access.withToken(TOKEN).toString().contains(TOKEN), "toString keeps the secret");
  }

  @Test
  void theRedirectKeepsEveryParameterButTheToken() {
    assertEquals("q=a%20b", Guard.withoutToken("token=abc&q=a%20b"));
    assertEquals("q=x&k=3", Guard.withoutToken("q=x&token=1&k=3&token=2"));
    assertEquals("", Guard.withoutToken("%74oken=1"));
    assertEquals("tokens=1", Guard.withoutToken("tokens=1&&"));
    assertEquals("", Guard.withoutToken(null));
  }

  @Test
  void loopbackNamesAreRecognisedWithoutAnyLookup() {
    for (String n : List.of("localhost", "127.0.0.1", "127.255.255.254", "[::1]", "[0:0:0:0:0:0:0:1]")) assertTrue(Guard.isLoopbackName(n), n);
    for (String n : List.of("localhost.", "0.0.0.0", "128.0.0.1", "127.0.0.256", "[::]", "[::2]", "[fe80::1]", "ip6-localhost", "evil.example.com")) {
      assertFalse(Guard.isLoopbackName(n), n);
    }
  }
}
