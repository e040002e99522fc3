package dev.vlt.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vlt.index.VectorIndex;
import dev.vlt.infer.Embedder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The vlt HTTP server: JSON API plus a web page, on the JDK's {@code com.sun.net.httpserver}.
 *
 * <pre>
 * GET  /api/health                      {"status":"ok","model":…,"dim":E,"index":{"count":N,…}|null,"in_flight":n,"capacity":c}
 * GET  /api/search?q=TEXT&amp;k=12[&amp;exact=true]   {"query":…,"results":[{"id","name","caption","metadata","score","thumb"}],"ms":…}
 * POST /api/search?k=12        body: image bytes; the same answer, searched by the image
 * POST /api/classify?labels=a,b,c   body: image bytes; {"labels":[{"label":…,"prob":…}] most probable first,"ms":…}
 * POST /api/embed              body: {"texts":[…]} (Content-Type application/json) or image bytes; {"embeddings":[[…]],"dim":E}
 * POST /api/segment?labels=a,b[&amp;threshold=T]   body: image bytes; {"width","height","background","labels":[{"label","value","fraction"}],"map","overlay" (PNG data URIs),"ms"}
 * GET  /api/thumb?id=ID        PNG thumbnail of an indexed image (ids come from search results)
 * GET  /                       the web page (also /app.js, /style.css); /?token=TOKEN sets the token cookie
 * </pre>
 *
 * Before any route, the {@link Access} rules apply ({@link Guard}): a Host that is not this server's name gets 403, a
 * call without the token (when there is one) gets 401, and the one allowed CORS origin gets its preflight answered.
 * Errors are {@code {"error": message, "status": code}}: 400 bad input (a non-image upload names what is wrong), 404
 * unknown path, id or no index, 405 wrong method, 413 body over the limit, 503 when workers and queue are full (with
 * {@code Retry-After}). Paths match exactly: nothing in a URL is ever used as a file path.
 */
public final class VltServer implements AutoCloseable {
  /**
   * Threads beyond the admitted capacity: they answer health, pages and 503s while every worker is busy. The JDK server
   * reads request headers on these threads, so a client that sends half a request holds one until maxReqTime; having
   * plenty (they only block on I/O) keeps a few such clients from starving everyone else.
   */
  private static final int SPARE_THREADS = 32;
  private static final int THUMB_SIZE = 160;
  private static final Map<String, String[]> ASSETS = Map.of(
      "/", new String[] {"index.html", "text/html; charset=utf-8"},
      "/index.html", new String[] {"index.html", "text/html; charset=utf-8"},
      "/app.js", new String[] {"app.js", "text/javascript; charset=utf-8"},
      "/style.css", new String[] {"style.css", "text/css; charset=utf-8"});

  static {
    // A client that opens a connection and never finishes its request would hold a handler thread for good: the JDK
    // server closes such connections only with these (JVM-wide, read once, so set only when nobody else has).
    setIfAbsent("sun.net.httpserver.maxReqTime", "30");
    setIfAbsent("sun.net.httpserver.maxRspTime", "120");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) System.setProperty(key, value);
  }

  private final HttpServer server;
  private final ExecutorService threads;
  private final Admission admission;
  private final Guard guard;
  private final Map<String, Map<String, Route>> routes = new HashMap<>();
  private final Map<String, byte[]> assets = new HashMap<>();

  @FunctionalInterface
  private interface Handler {
    void handle(HttpExchange ex) throws Exception;
  }

  /** @param admitted whether the route takes a place in the bounded queue (model and index work) */
  private record Route(boolean admitted, Handler handler) {}

  private VltServer(ServeConfig config, Embedder embedder, VectorIndex index) throws IOException {
    this.admission = new Admission(config.workers(), config.queue(), config.queueWait());
    Api api = new Api(embedder, index, admission, config.maxBodyBytes(), THUMB_SIZE);
    route("GET", "/api/health", false, api::health);
    route("GET", "/api/search", true, api::searchText);
    route("POST", "/api/search", true, api::searchImage);
    route("POST", "/api/classify", true, api::classify);
    route("POST", "/api/embed", true, api::embed);
    route("POST", "/api/segment", true, api::segment);
    route("GET", "/api/thumb", true, api::thumb);
    for (Map.Entry<String, String[]> a : ASSETS.entrySet()) {
      assets.put(a.getKey(), asset(a.getValue()[0]));
      route("GET", a.getKey(), false, ex -> Exchanges.send(ex, 200, ASSETS.get(ex.getRequestURI().getRawPath())[1],
          assets.get(ex.getRequestURI().getRawPath())));
    }
    int poolSize = admission.capacity() + SPARE_THREADS;
    this.threads = new ThreadPoolExecutor(poolSize, poolSize, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "vlt-http");
      t.setDaemon(true);
      return t;
    });
    InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
    if (address.isUnresolved()) throw new IllegalArgumentException("cannot resolve --host " + config.host());
    Access access = config.access();
    if (access.token() == null && !access.noAuth() && config.exposed()) {
      throw new IllegalArgumentException((access.trustProxy() ? "behind a proxy" : "listening on " + config.host())
          + ", other machines reach the server: give a token (--token or VLT_SERVE_TOKEN), or --no-auth to serve without one");
    }
    this.server = HttpServer.create(address, 256);
    this.guard = new Guard(access, server.getAddress().getPort());
    server.createContext("/", this::dispatch);
    server.setExecutor(threads);
  }

  /**
   * Binds and starts serving.
   *
   * @param index may be null: search and thumbnails then answer 404
   */
  public static VltServer start(ServeConfig config, Embedder embedder, VectorIndex index) throws IOException {
    VltServer s = new VltServer(config, embedder, index);
    s.server.start();
    return s;
  }

  private void route(String method, String path, boolean admitted, Handler h) {
    routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, new Route(admitted, h));
  }

  private void dispatch(HttpExchange ex) {
    try (ex) {
      try {
        String path = ex.getRequestURI().getRawPath();
        Map<String, Route> byMethod = routes.getOrDefault(path, Map.of());
        guard.checkHost(ex);
        if (guard.cors(ex, byMethod.keySet())) return;
        if (ASSETS.containsKey(path)) {
          if (guard.exchangeToken(ex)) return;
        } else {
          guard.authenticate(ex);
        }
        if (byMethod.isEmpty()) throw new HttpError(404, "no such page or endpoint: " + path);
        Route route = byMethod.get(ex.getRequestMethod());
        if (route == null) {
          ex.getResponseHeaders().set("Allow", String.join(", ", byMethod.keySet()));
          throw new HttpError(405, ex.getRequestMethod() + " is not allowed here; use " + String.join(" or ", byMethod.keySet()));
        }
        if (route.admitted()) {
          try (Admission.Ticket t = admission.enter()) {
            route.handler().handle(ex);
          }
        } else {
          route.handler().handle(ex);
        }
      } catch (HttpError e) {
        Exchanges.discardBody(ex);
        Exchanges.sendError(ex, e.status, e.getMessage());
      } catch (Exception | OutOfMemoryError e) {
        // a bug or an exhausted resource: the client gets a 500 with a one-line reason, the server keeps running
        Exchanges.sendError(ex, 500, "internal error: " + (e.getMessage() == null ? e.toString() : e.getMessage().replace('\n', ' ')));
      }
    } catch (IOException e) {
      // the client went away mid-response: nothing left to tell it
    }
  }

  private static byte[] asset(String name) throws IOException {
    try (InputStream in = VltServer.class.getResourceAsStream("web/" + name)) {
      if (in == null) throw new IllegalStateException("web asset missing from the jar: " + name);
      return in.readAllBytes();
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The address listened on, as a URL (an IPv6 address in brackets). */
  public URI uri() {
    String host = server.getAddress().getHostString();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/");
  }

  /** In-flight and queued admitted requests (for tests and health). */
  Admission admission() {
    return admission;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
