package dev.vlt.data;

import dev.vlt.data.image.BadImageException;
import java.io.PrintStream;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * Counts skipped samples per reason and warns once per skip (naming file and line), so bad data never crashes a run and
 * never disappears silently. Thread-safe: loader workers report into one instance. After {@code warnLimit} warnings of a
 * reason the rest are only counted, so a corrupt corpus cannot flood the log.
 */
public final class SkipReport {
  /** Why a sample was skipped. */
  public enum Reason {
    MISSING_FILE("missing file"),
    EMPTY_FILE("empty file"),
    NOT_AN_IMAGE("not an image"),
    TRUNCATED_IMAGE("truncated image"),
    CORRUPT_IMAGE("corrupt image"),
    IMAGE_TOO_LARGE("image too large"),
    EMPTY_CAPTION("empty caption"),
    MALFORMED_RECORD("malformed record");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    /** The reason for an image the decoder refused. */
    public static Reason of(BadImageException.Reason r) {
      return switch (r) {
        case EMPTY -> EMPTY_FILE;
        case NOT_AN_IMAGE -> NOT_AN_IMAGE;
        case TOO_LARGE -> IMAGE_TOO_LARGE;
        case TRUNCATED -> TRUNCATED_IMAGE;
        case CORRUPT -> CORRUPT_IMAGE;
      };
    }
  }

  private final AtomicLongArray counts = new AtomicLongArray(Reason.values().length);
  private final Consumer<String> warnings;
  private final int warnLimit;

  /** @param warnings where one-line warnings go (e.g. {@code System.err::println}) */
  public SkipReport(Consumer<String> warnings, int warnLimit) {
    this.warnings = warnings;
    this.warnLimit = warnLimit;
  }

  /** Warns on standard error, at most 20 lines per reason. */
  public SkipReport() {
    this(System.err::println, 20);
  }

  /** A report that counts but never prints. */
  public static SkipReport quiet() {
    return new SkipReport(w -> {}, 0);
  }

  /** @param where the file, and the line or entry, e.g. {@code pairs.jsonl:12} */
  public void skip(Reason reason, String where, String detail) {
    long n = counts.incrementAndGet(reason.ordinal());
    if (n <= warnLimit) {
      warnings.accept("skipped " + where + ": " + reason.label() + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
      if (n == warnLimit) warnings.accept("(further '" + reason.label() + "' skips are counted but not shown)");
    }
  }

  public long count(Reason reason) {
    return counts.get(reason.ordinal());
  }

  public long total() {
    long t = 0;
    for (int i = 0; i < counts.length(); i++) t += counts.get(i);
    return t;
  }

  /** Nonzero counts, in reason order. */
  public Map<Reason, Long> counts() {
    Map<Reason, Long> m = new EnumMap<>(Reason.class);
    for (Reason r : Reason.values()) if (count(r) > 0) m.put(r, count(r));
    return m;
  }

  /** One line, e.g. {@code skipped 3 samples: 1 missing file, 2 truncated image}, or {@code skipped 0 samples}. */
  public String summary() {
    StringBuilder sb = new StringBuilder("skipped ").append(total()).append(total() == 1 ? " sample" : " samples");
    String sep = ": ";
    for (Map.Entry<Reason, Long> e : counts().entrySet()) {
      sb.append(sep).append(e.getValue()).append(' ').append(e.getKey().label());
      sep = ", ";
    }
    return sb.toString();
  }

  public void print(PrintStream out) {
    out.println(summary());
  }
}
