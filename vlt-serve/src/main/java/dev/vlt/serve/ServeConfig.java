package dev.vlt.serve;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * How the server listens, how much work it takes on, and whom it answers.
 *
 * @param host the address to bind; 127.0.0.1 unless the user asks for more
 * @param port 0 picks a free port (tests)
 * @param workers model/index operations running at once (the rest wait their turn)
 * @param queue requests that may wait for a worker; beyond workers + queue a request is refused with 503 at once
 * @param maxBodyBytes request bodies above this get 413
 * @param queueWait how long a queued request waits for a worker before it gets 503
 * @param access the Host names, token, CORS origin and proxy the server accepts
 */
public record ServeConfig(String host, int port, int workers, int queue, long maxBodyBytes, Duration queueWait, Access access) {
  public static final long DEFAULT_MAX_BODY = 16L << 20;

  public ServeConfig {
    if (host == null || host.isBlank()) throw new IllegalArgumentException("--host must not be empty");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be 0..65535, got " + port);
    if (workers < 1) throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
    if (queue < 0) throw new IllegalArgumentException("--queue must not be negative, got " + queue);
    if (maxBodyBytes < 1) throw new IllegalArgumentException("--max-body must be positive, got " + maxBodyBytes);
    if (access == null) throw new IllegalArgumentException("access must be given (Access.LOCAL for the default)");
  }

  /** Loopback, the given port, 2 workers, 32 waiting, 16 MiB bodies, 30 s wait, loopback Host names only. */
  public static ServeConfig defaults(int port) {
    return new ServeConfig("127.0.0.1", port, 2, 32, DEFAULT_MAX_BODY, Duration.ofSeconds(30), Access.LOCAL);
  }

  public ServeConfig withAccess(Access access) {
    return new ServeConfig(host, port, workers, queue, maxBodyBytes, queueWait, access);
  }

  /**
   * Whether other machines can reach the server: it listens beyond loopback, or a reverse proxy forwards to it (that is
   * what {@code --trust-proxy} says). Such a server needs a token or the explicit {@code --no-auth}.
   */
  public boolean exposed() {
    return access.trustProxy() || !isLoopback(host);
  }

  /** Whether {@code host} resolves to loopback addresses only (a name that does not resolve is not). */
  public static boolean isLoopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) if (!a.isLoopbackAddress()) return false;
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
