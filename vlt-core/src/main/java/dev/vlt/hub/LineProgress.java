package dev.vlt.hub;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/** Download progress as plain lines (a log, a pipe): a line per file start, every 10%, retries and the end. */
public final class LineProgress implements DownloadListener {
  private final PrintStream out;
  private long total = -1;
  private int lastTenth = -1;

  public LineProgress(PrintStream out) {
    this.out = out;
  }

  @Override
  public synchronized void started(String file, long total, long from) {
    this.total = total;
    this.lastTenth = -1;
    out.println("vlt: downloading " + file + (total >= 0 ? " (" + size(total) + ")" : "")
        + (from > 0 ? ", resuming at " + size(from) : ""));
  }

  @Override
  public synchronized void progressed(String file, long done) {
    if (total <= 0) return;
    int tenth = (int) (done * 10 / total);
    if (tenth > lastTenth && tenth < 10) {
      if (lastTenth >= 0) out.println("vlt: " + file + " " + tenth * 10 + "% of " + size(total));
      lastTenth = tenth;
    }
  }

  @Override
  public void finished(String file, Path path, boolean fromCache) {
    if (!fromCache) out.println("vlt: " + file + " done");
  }

  @Override
  public void retrying(String file, int attempt, String reason) {
    out.println("vlt: " + file + ": " + reason + "; retrying (attempt " + (attempt + 1) + ")");
  }

  static String size(long bytes) {
    if (bytes < 1 << 20) return String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0);
    return String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1 << 20));
  }
}
