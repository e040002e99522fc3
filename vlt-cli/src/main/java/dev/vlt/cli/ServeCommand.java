package dev.vlt.cli;

import dev.vlt.index.IndexInfo;
import dev.vlt.index.VectorIndex;
import dev.vlt.infer.Embedder;
import dev.vlt.serve.ServeConfig;
import dev.vlt.serve.VltServer;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve a model (and an index) over HTTP: a JSON API and a web page with text search and drag-and-drop zero-shot classification.",
        "  GET  /api/health",
        "  GET  /api/search?q=TEXT&k=N            POST /api/search?k=N with image bytes as the body",
        "  POST /api/classify?labels=a,b,c        image bytes as the body",
        "  POST /api/embed                        {\"texts\": [...]} (application/json) or image bytes",
        "  GET  /api/thumb?id=ID                  thumbnails of indexed images",
        "Listens on 127.0.0.1 unless --host says otherwise. Ctrl-C stops it."})
public final class ServeCommand implements Callable<Integer> {
  @Mixin ThreadsOption threads;

  @Mixin IndexModelOptions modelOptions;

  @Option(names = "--index", paramLabel = "INDEX_DIR", description = "An index from 'vlt index build' to search.")
  Path index;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}: this machine only).")
  String host;

  @Option(names = "--port", defaultValue = "8080", description = "Port (default ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--workers", defaultValue = "2", description = "Model/index operations at once (default ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--queue", defaultValue = "32", description = "Requests that may wait for a worker; more get 503 (default ${DEFAULT-VALUE}).")
  int queue;

  @Option(names = "--max-body-mb", defaultValue = "16", description = "Largest request body in MiB; larger gets 413 (default ${DEFAULT-VALUE}).")
  int maxBodyMb;

  /** Counted down by the shutdown hook (Ctrl-C) or a test. */
  final CountDownLatch stop = new CountDownLatch(1);
  volatile VltServer running;

  @Override
  public Integer call() throws Exception {
    threads.apply();
    ServeConfig config = new ServeConfig(host, port, workers, queue, (long) maxBodyMb << 20, Duration.ofSeconds(30));
    VectorIndex vi = index == null ? null : VectorIndex.open(index);
    try (Embedder e = modelOptions.open(vi)) {
      try (VltServer server = start(config, e, vi)) {
        running = server;
        String what = vi == null ? "no index" : describe(vi.info(), index);
        System.out.println("vlt serve: " + server.uri() + " (model " + e.model().name() + ", " + what + "); Ctrl-C stops");
        if (!isLoopback(host)) System.err.println("vlt: listening on " + host + ": other machines can reach this server");
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

  private static VltServer start(ServeConfig config, Embedder e, VectorIndex vi) throws Exception {
    try {
      return VltServer.start(config, e, vi);
    } catch (BindException ex) {
      throw new IllegalArgumentException("cannot listen on " + config.host() + ":" + config.port() + " (" + ex.getMessage() + "); try another --port");
    }
  }

  private static String describe(IndexInfo info, Path dir) {
    return "index " + dir + ": " + info.count() + " images";
  }

  private static boolean isLoopback(String host) {
    return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
  }
}
