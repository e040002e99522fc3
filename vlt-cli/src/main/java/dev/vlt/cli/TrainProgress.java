package dev.vlt.cli;

import dev.vlt.train.StepMetrics;
import dev.vlt.train.TrainListener;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress: on a terminal a bar with step, loss, lr, samples/s and ETA; otherwise (a log file, CI) one plain
 * line every {@code logEvery} steps, plus a line per evaluation and checkpoint.
 */
final class TrainProgress implements TrainListener, AutoCloseable {
  private final PrintStream out;
  private final boolean terminal;
  private final int logEvery;
  private ProgressBar bar;
  private long firstStep;
  private long steps;
  private long startNanos;
  private String lastEval = "";
  private double rate;  // samples/s, smoothed: single steps jitter with the machine's load

  TrainProgress(PrintStream out, boolean terminal, int logEvery) {
    this.out = out;
    this.terminal = terminal;
    this.logEvery = logEvery;
  }

  @Override
  public void started(long step, long steps, String data) {
    this.firstStep = step;
    this.steps = steps;
    this.startNanos = System.nanoTime();
    out.printf("training steps %d..%d on %s%n", step + 1, steps, data);
    if (terminal) {
      bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(steps).setStyle(ProgressBarStyle.COLORFUL_UNICODE_BAR)
          .setUpdateIntervalMillis(250).startsFrom(step, Duration.ZERO).setMaxRenderedLength(140).build();
    }
  }

  @Override
  public void stepped(StepMetrics m) {
    rate = rate == 0 ? m.samplesPerSecond() : 0.9 * rate + 0.1 * m.samplesPerSecond();
    String figures = String.format(Locale.ROOT, "loss %.4f lr %.2e %.0f samples/s", m.loss(), m.lr(), rate);
    if (bar != null) {
      bar.stepTo(m.step());
      bar.setExtraMessage(figures + lastEval);
    } else if (m.step() % logEvery == 0 || m.step() == steps) {
      out.printf(Locale.ROOT, "step %d/%d epoch %d %s, %.0f MB, eta %s%n", m.step(), steps, m.epoch(), figures, m.memoryMb(), eta(m.step()));
    }
  }

  @Override
  public void evaluated(long step, Map<String, Double> metrics) {
    Double test = metrics.get("test_top1");
    if (test != null) lastEval = String.format(Locale.ROOT, " | zero-shot test %.1f%%", 100 * test);
    if (bar == null) {
      StringBuilder line = new StringBuilder("zero-shot at step " + step + ":");
      metrics.forEach((k, v) -> line.append(String.format(Locale.ROOT, " %s %.3f", k, v)));
      out.println(line);
    }
  }

  @Override
  public void checkpointed(long step, Path dir) {
    if (bar == null) out.println("checkpoint " + dir);
  }

  private String eta(long step) {
    if (step <= firstStep) return "?";
    double perStep = (System.nanoTime() - startNanos) / 1e9 / (step - firstStep);
    long s = Math.round(perStep * (steps - step));
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : String.format("%dm%02ds", s / 60, s % 60);
  }

  @Override
  public void close() {
    if (bar != null) bar.close();
    bar = null;
  }
}
