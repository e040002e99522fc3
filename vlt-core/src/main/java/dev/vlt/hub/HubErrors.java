package dev.vlt.hub;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.nio.channels.UnresolvedAddressException;

/** One-line messages for what the hub answers: users see these, so they say what to do. */
final class HubErrors {
  private HubErrors() {}

  /** A status that retrying cannot fix; the hub's {@code X-Error-Code} makes it precise when present. */
  static HubException status(int code, HttpHeaders h, URI url, String what, RepoId repo, String revision,
      boolean tokenSent, URI endpoint) {
    String error = h.firstValue("X-Error-Code").orElse("");
    String hubPage = endpoint + "/" + repo;
    String message = switch (error) {
      case "RepoNotFound" -> "no such repo " + repo + " on " + endpoint.getHost()
          + (tokenSent ? "" : " (or it is private: set HF_TOKEN)");
      case "RevisionNotFound" -> "no such revision '" + revision + "' of " + repo;
      case "EntryNotFound" -> "no such file " + what + " in " + repo + "@" + revision;
      case "GatedRepo" -> repo + " is gated: accept its terms at " + hubPage + (tokenSent ? " for the account of HF_TOKEN" : " and set HF_TOKEN");
      default -> switch (code) {
        case 404 -> "no such repo/file: " + repo + "@" + revision + "/" + what + " (404 from " + url.getHost() + ")";
        case 401, 403 -> tokenSent
            ? repo + " refused HF_TOKEN (" + code + "): the token has no access, or the repo is gated (accept its terms at " + hubPage + ")"
            : repo + " is gated or private (" + code + "): set HF_TOKEN to a token with access (and accept its terms at " + hubPage + ")";
        default -> "HTTP " + code + " for " + url;
      };
    };
    return new HubException(message);
  }

  /** Retrying helps with these: the server is busy or failing for a moment. */
  static boolean transientStatus(int code) {
    return code == 408 || code == 429 || code >= 500;
  }

  /** True when the exception means the machine could not reach the host at all. */
  static boolean unreachable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof UnknownHostException || c instanceof UnresolvedAddressException
          || c instanceof HttpConnectTimeoutException) {
        return true;
      }
    }
    return false;
  }

  static HubException noNetwork(URI url, Throwable cause) {
    String why = cause.getMessage() == null || cause.getMessage().isBlank() ? cause.getClass().getSimpleName() : cause.getMessage();
    if (cause instanceof HttpConnectTimeoutException) why = "timed out connecting";
    else if (cause instanceof UnknownHostException || cause.getCause() instanceof UnresolvedAddressException) why = "unknown host";
    else if (cause instanceof ConnectException) why = "connection refused";
    return new HubException("no network: cannot reach " + url.getScheme() + "://" + url.getAuthority() + " (" + why
        + "); check the connection or HF_ENDPOINT, or use --offline (HF_HUB_OFFLINE=1) to work from the cache", cause);
  }
}
