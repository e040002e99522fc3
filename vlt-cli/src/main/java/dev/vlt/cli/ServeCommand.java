package dev.vlt.cli;

import dev.vlt.index.IndexInfo;
import dev.vlt.index.VectorIndex;
import dev.vlt.infer.Embedder;
import dev.vlt.serve.Access;
import dev.vlt.serve.ServeConfig;
import dev.vlt.serve.VltServer;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve a model (and an index) over HTTP: a JSON API and a web page with text search and drag-and-drop zero-shot classification.",
        "  GET  /api/health",
        "  GET  /api/search?q=TEXT&k=N            POST /api/search?k=N with image bytes as the body",
        "  POST /api/classify?labels=a,b,c        image bytes as the body",
        "  POST /api/embed                        {\"texts\": [...]} (application/json) or image bytes",
        "  GET  /api/thumb?id=ID                  thumbnails of indexed images",
        "Listens on 127.0.0.1 unless --host says otherwise. Without a token it answers only requests that name it localhost,",
        "127.0.0.1 or [::1] (or an --allow-host name) in their Host header, which stops web pages that rebind their domain",
        "name to this machine. Listening beyond loopback (or --trust-proxy) needs a token: a random one is made and printed",
        "in the URL unless --token or VLT_SERVE_TOKEN gives one; --no-auth opts out. No CORS headers are sent: scripts on",
        "other web sites cannot read the answers unless --cors-origin names their origin. TLS is not built in: put a",
        "reverse proxy in front for HTTPS (docs/serving.md). Ctrl-C stops it."})
public final class ServeCommand implements Callable<Integer> {
  @Mixin ThreadsOption threads;

  @Mixin IndexModelOptions modelOptions;

  @Option(names = "--index", paramLabel = "INDEX_DIR", description = "An index from 'vlt index build' to search.")
  Path index;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}: this machine only).")
  String host;

  @Option(names = "--token", paramLabel = "TOKEN", showDefaultValue = CommandLine.Help.Visibility.NEVER,
      description = "Require this token on every API call (Authorization: Bearer TOKEN; the page takes ?token=TOKEN once and keeps it in a cookie). Default: $VLT_SERVE_TOKEN, which keeps it out of the process list.")
  String token;

  @Option(names = "--no-auth", description = "Serve beyond loopback without a token (prints a warning). The Host check still applies.")
  boolean noAuth;

  @Option(names = "--allow-host", paramLabel = "NAME[:PORT]", description = "A Host name to answer besides localhost, 127.0.0.1 and [::1] (repeatable), e.g. the name a reverse proxy forwards.")
  List<String> allowHosts = new ArrayList<>();

  @Option(names = "--cors-origin", paramLabel = "ORIGIN", description = "Let scripts of this one origin (e.g. https://app.example.com) call the API; they send the token as a bearer token. Default: no CORS.")
  String corsOrigin;

  @Option(names = "--trust-proxy", description = "A reverse proxy in front terminates HTTPS: honour its X-Forwarded-Proto (the token cookie is then Secure).")
  boolean trustProxy;

  @Option(names = "--port", defaultValue = "8080", description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--workers", defaultValue = "2", description = "Model/index operations at once (default ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--queue", defaultValue = "32", description = "Requests that may wait for a worker; more get 503 (default ${DEFAULT-VALUE}).")
  int queue;

  @Option(names = "--max-body-mb", defaultValue = "16", description = "Largest request body in MiB; larger gets 413 (default ${DEFAULT-VALUE}).")
  int maxBodyMb;

  @Spec CommandSpec spec;

  /** The environment (a test sets its own). */
  Function<String, String> env = System::getenv;

  /** Counted down by the shutdown hook (Ctrl-C) or a test. */
  final CountDownLatch stop = new CountDownLatch(1);
  volatile VltServer running;

  @Override
  public Integer call() throws Exception {
    threads.apply();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String token = givenToken();
    ServeConfig config = new ServeConfig(host, port, workers, queue, (long) maxBodyMb << 20, Duration.ofSeconds(30),
        new Access(token, noAuth, allowHosts, corsOrigin, trustProxy));
    boolean generated = token == null && !noAuth && config.exposed();
    if (generated) config = config.withAccess(new Access(Access.newToken(), false, allowHosts, corsOrigin, trustProxy));
    VectorIndex vi = index == null ? null : VectorIndex.open(index);
    try (Embedder e = modelOptions.open(vi)) {
      try (VltServer server = start(config, e, vi)) {
        running = server;
        String what = vi == null ? "no index" : describe(vi.info(), index);
        // a generated token is printed (there is no other way to learn it); a given one is the user's to keep out of logs
        String query = generated ? "?token=" + config.access().token() : "";
        List<URI> urls = urls(server.uri());
        out.println("vlt serve: " + urls.get(0) + query + " (model " + e.model().name() + ", " + what + "); Ctrl-C stops");
        for (URI u : urls.subList(1, urls.size())) out.println("  also " + u + query);
        out.flush();
        warn(err, config, generated);
        Thread hook = new Thread(stop::countDown, "vlt-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
          stop.await();
        } finally {
          try {
            Runtime.getRuntime().removeShutdownHook(hook);
          } catch (IllegalStateException shuttingDown) {
            // the JVM is already stopping: the hook has run
          }
        }
      }
      return 0;
    } finally {
      if (vi != null) vi.close();
    }
  }

  /** --token, else a non-blank VLT_SERVE_TOKEN, else null. */
  private String givenToken() {
    if (token != null) return token;
    String fromEnv = env.apply("VLT_SERVE_TOKEN");
    return fromEnv == null || fromEnv.isBlank() ? null : fromEnv.strip();
  }

  private static VltServer start(ServeConfig config, Embedder e, VectorIndex vi) throws Exception {
    try {
      return VltServer.start(config, e, vi);
    } catch (BindException ex) {
      throw new IllegalArgumentException("cannot listen on " + config.host() + ":" + config.port() + " (" + ex.getMessage() + "); try another --port");
    }
  }

  /** Where a browser finds the server: a wildcard address is no place to browse to, so the machine's name and loopback. */
  private static List<URI> urls(URI bound) {
    InetAddress address;
    try {
      address = InetAddress.getByName(bound.getHost());
    } catch (UnknownHostException e) {
      return List.of(bound);
    }
    if (!address.isAnyLocalAddress()) return List.of(bound);
    List<URI> out = new ArrayList<>();
    try {
      out.add(URI.create("http://" + InetAddress.getLocalHost().getHostName() + ":" + bound.getPort() + "/"));
    } catch (UnknownHostException | IllegalArgumentException e) {
      // no usable name for this machine: loopback is still right here
    }
    out.add(URI.create("http://127.0.0.1:" + bound.getPort() + "/"));
    return out;
  }

  private void warn(PrintWriter err, ServeConfig config, boolean generated) {
    Access a = config.access();
    String reach = a.trustProxy() ? "the proxy in front" : "listening on " + host;
    if (a.noAuth()) {
      err.println("vlt: warning: --no-auth: " + reach + ", anyone who reaches the server can search the collection and run"
          + " the model with no credential; only requests naming localhost" + (a.allowedHosts().isEmpty() ? "" : " or an --allow-host name") + " are answered");
    } else if (generated) {
      err.println("vlt: " + reach + ": other machines can reach this server; every API call needs the token in the URL above"
          + " (give your own with --token or VLT_SERVE_TOKEN)");
    } else if (a.token() != null) {
      err.println("vlt: API calls need the token (Authorization: Bearer TOKEN); open the page once as URL?token=TOKEN");
    }
    err.flush();
  }

  private static String describe(IndexInfo info, Path dir) {
    return "index " + dir + ": " + info.count() + " images";
  }
}
