package dev.vlt.hub;

import java.io.IOException;

/** A download that cannot succeed as asked (no network, no such repo, gated, corrupt): the message is one line for users. */
public final class HubException extends IOException {
  public HubException(String message) {
    super(message);
  }

  public HubException(String message, Throwable cause) {
    super(message, cause);
  }
}
