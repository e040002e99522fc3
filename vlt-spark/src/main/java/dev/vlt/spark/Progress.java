package dev.vlt.spark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * One progress line every few seconds while a job runs: tasks done, rows written, images/s, failed attempts (which Spark
 * retries). Counts only successful attempts' rows, so a retried task is not counted twice.
 */
final class Progress extends SparkListener implements AutoCloseable {
  private static final long EVERY_NANOS = 5_000_000_000L;

  private final SparkSession spark;
  private final int tasks;
  private final PrintStream log;
  private final long start = System.nanoTime();
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong lastPrint = new AtomicLong(System.nanoTime());

  private Progress(SparkSession spark, int tasks, PrintStream log) {
    this.spark = spark;
    this.tasks = tasks;
    this.log = log;
  }

  static Progress attach(SparkSession spark, int tasks, PrintStream log) {
    Progress p = new Progress(spark, tasks, log);
    spark.sparkContext().addSparkListener(p);
    return p;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (end.reason() != Success$.MODULE$) {
      failed.incrementAndGet();
      log.println("spark embed: a task attempt failed (Spark retries it): " + end.reason().toString().lines().findFirst().orElse(""));
      return;
    }
    if (end.taskMetrics() != null) rows.addAndGet(end.taskMetrics().outputMetrics().recordsWritten());
    int d = done.incrementAndGet();
    long now = System.nanoTime();
    long last = lastPrint.get();
    if ((now - last >= EVERY_NANOS || d == tasks) && lastPrint.compareAndSet(last, now)) {
      double s = (now - start) / 1e9;
      log.printf(Locale.ROOT, "spark embed: %d/%d tasks, %d rows, %.1f images/s%s%n", Math.min(d, tasks), tasks, rows.get(), rows.get() / s,
          failed.get() > 0 ? ", " + failed.get() + " failed attempts retried" : "");
    }
  }

  /** Failed task attempts seen so far. */
  int failedAttempts() {
    return failed.get();
  }

  @Override
  public void close() {
    spark.sparkContext().removeSparkListener(this);
  }
}
