package dev.vlt.hub;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Where and how to download: the hub address, the cache folder, the access token and the network limits. The
 * environment names follow huggingface_hub's where it has one.
 *
 * @param endpoint the hub, {@code https://huggingface.co} unless {@code HF_ENDPOINT} says otherwise (a mirror)
 * @param cache the cache root, {@code ~/.cache/vlt} unless {@code VLT_CACHE}; models go to {@code hub/ORG--NAME/REVISION}
 * @param token sent as {@code Authorization: Bearer} to the endpoint's host only ({@code HF_TOKEN}), or null
 * @param offline use the cache only, never the network ({@code HF_HUB_OFFLINE=1})
 * @param readTimeout how long a response may stall (headers or body) before the attempt fails
 * @param attempts tries per file; a dropped connection resumes where it stopped
 */
public record HubConfig(URI endpoint, Path cache, String token, boolean offline, Duration connectTimeout,
    Duration readTimeout, int attempts) {
  public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
  private static final Set<String> TRUE = Set.of("1", "true", "yes", "on");

  public HubConfig {
    String s = endpoint.toString();
    if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme()) || endpoint.getHost() == null) {
      throw new IllegalArgumentException("hub endpoint must be an http(s) URL, got '" + s + "'");
    }
    if (s.endsWith("/")) endpoint = URI.create(s.substring(0, s.length() - 1));
    if (token != null && token.isBlank()) token = null;
    if (attempts < 1) throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
  }

  /** The configuration the environment asks for, with vlt's default limits. */
  public static HubConfig fromEnvironment() {
    return fromEnvironment(System::getenv, Path.of(System.getProperty("user.home")));
  }

  static HubConfig fromEnvironment(Function<String, String> env, Path home) {
    String endpoint = env.apply("HF_ENDPOINT");
    String cache = env.apply("VLT_CACHE");
    String token = env.apply("HF_TOKEN");
    if (token == null) token = env.apply("HUGGING_FACE_HUB_TOKEN");   // the older name huggingface_hub still reads
    String offline = env.apply("HF_HUB_OFFLINE");
    URI uri;
    try {
      uri = URI.create(endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : endpoint.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("HF_ENDPOINT='" + endpoint + "' is not a URL");
    }
    return new HubConfig(uri,
        cache == null || cache.isBlank() ? home.resolve(".cache").resolve("vlt") : Path.of(cache),
        token, offline != null && TRUE.contains(offline.trim().toLowerCase(Locale.ROOT)),
        Duration.ofSeconds(10), Duration.ofSeconds(60), 5);
  }

  public HubConfig withOffline(boolean on) {
    return new HubConfig(endpoint, cache, token, on, connectTimeout, readTimeout, attempts);
  }

  public HubConfig withCache(Path dir) {
    return new HubConfig(endpoint, dir, token, offline, connectTimeout, readTimeout, attempts);
  }

  public HubConfig withEndpoint(URI uri) {
    return new HubConfig(uri, cache, token, offline, connectTimeout, readTimeout, attempts);
  }

  public HubConfig withToken(String bearer) {
    return new HubConfig(endpoint, cache, bearer, offline, connectTimeout, readTimeout, attempts);
  }

  public HubConfig withLimits(Duration connect, Duration read, int tries) {
    return new HubConfig(endpoint, cache, token, offline, connect, read, tries);
  }

  /** The token is a secret: never print it. */
  @Override
  public String toString() {
    return "HubConfig[endpoint=" + endpoint + ", cache=" + cache + ", token=" + (token == null ? "none" : "set")
        + ", offline=" + offline + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
        + ", attempts=" + attempts + "]";
  }
}
