package dev.vlt.cli;

import dev.vlt.train.StepMetrics;
import dev.vlt.train.TrainListener;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
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
    Double val = metrics.get("val_text_to_image_r1");
    Double captions = metrics.get("test_caption_correct");
    if (test != null) lastEval = String.format(Locale.ROOT, " | zero-shot test %.1f%%", 100 * test);
    else if (val != null) lastEval = String.format(Locale.ROOT, " | val t2i R@1 %.1f%%", 100 * val);
    if (captions != null) lastEval += String.format(Locale.ROOT, " | held-out captions %.0f%%", 100 * captions);
    if (bar == null) {
      StringBuilder line = new StringBuilder("evaluation at step " + step + ":");
      metrics.forEach((k, v) -> line.append(String.format(Locale.ROOT, " %s %.3f", k, v)));
      out.println(line);
    }
  }

  @Override
  public void checkpointed(long step, Path dir) {
    if (bar == null) out.println("checkpoint " + dir);
  }

  /** The run's last evaluation, as the lines the end-of-training summary prints (none when nothing was evaluated). */
  static List<String> evaluationLines(JsonNode last) {
    List<String> out = new ArrayList<>();
    if (last.has("test_top1")) {
      out.add(String.format(Locale.ROOT, "zero-shot on held-out colour×shape combos: %.1f%% top-1 among all 42 classes (chance %.1f%%), "
          + "%.1f%% among the held-out ones (chance %.1f%%); seen combos (val) %.1f%%", 100 * last.get("test_top1").asDouble(),
          100 * last.get("chance").asDouble(), 100 * last.get("test_top1_heldout").asDouble(), 100 * last.get("chance_heldout").asDouble(),
          100 * last.get("val_top1").asDouble()));
    }
    if (last.has("test_caption_correct")) {
      out.add(String.format(Locale.ROOT, "greedy captions naming exactly the scene's objects: %.1f%% of held-out combos, %.1f%% of seen ones (val)",
          100 * last.get("test_caption_correct").asDouble(), 100 * last.path("val_caption_correct").asDouble()));
    }
    if (last.has("val_text_to_image_r1")) {
      out.add(String.format(Locale.ROOT, "--val-data retrieval: text→image R@1 %.1f%% R@5 %.1f%%, image→text R@1 %.1f%% R@5 %.1f%%",
          100 * last.get("val_text_to_image_r1").asDouble(), 100 * last.get("val_text_to_image_r5").asDouble(),
          100 * last.get("val_image_to_text_r1").asDouble(), 100 * last.get("val_image_to_text_r5").asDouble()));
    }
    if (last.has("val_zeroshot_top1")) {
      out.add(String.format(Locale.ROOT, "--val-data zero-shot: top-1 %.1f%%, top-5 %.1f%%", 100 * last.get("val_zeroshot_top1").asDouble(),
          100 * last.get("val_zeroshot_top5").asDouble()));
    }
    return out;
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
