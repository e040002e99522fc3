package dev.vlt.serve;

/** A request that ends with this status and a one-line message for the client ({@code {"error": message}}). */
final class HttpError extends RuntimeException {
  final int status;

  HttpError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }
}
