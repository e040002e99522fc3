package dev.vlt.data.image;

/**
 * An image file that cannot be used; the message is one line naming the source and what is wrong with it. It is an
 * {@link IllegalArgumentException} because it is bad input, not a bug: the CLI prints it as one line, loaders count it.
 */
public final class BadImageException extends IllegalArgumentException {
  /** What was wrong, for counting skips per reason. */
  public enum Reason {
    EMPTY("empty file (0 bytes)"),
    NOT_AN_IMAGE("not an image"),
    TOO_LARGE("image too large"),
    TRUNCATED("truncated image"),
    CORRUPT("corrupt image");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private final Reason reason;
  private final String source;
  private final String detail;

  public BadImageException(Reason reason, String source, String detail) {
    super(source + ": " + reason.label() + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
    this.reason = reason;
    this.source = source;
    this.detail = detail == null ? "" : detail;
  }

  /** What the decoder found, without the source and reason (possibly empty). */
  public String detail() {
    return detail;
  }

  public Reason reason() {
    return reason;
  }

  public String source() {
    return source;
  }
}
