package dev.vlt.cli;

import dev.vlt.bench.ModelBench;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vlt bench train}: training samples/s of the Trainer's own step for the small CLIP, against eager PyTorch. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Time the Trainer's step (forward, contrastive loss, backward, global norm, AdamW, temperature clamp)",
        "on random data for the 'small' CLIP (= tools/torch-ref/small_clip.json).",
        "Eager PyTorch on the reference machine: about 59 samples/s at batch 32 on 2 cores."})
public final class BenchTrainCommand implements Callable<Integer> {
  /** tools/torch-ref/clip_train_step.py small_clip.json 32 on the reference machine (DESIGN.md, "Speed references"). */
  static final double TORCH_SAMPLES_PER_SECOND = 59;

  @Option(names = "--model", defaultValue = "small", description = "Registry architecture (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--batch-size", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--steps", defaultValue = "8", description = "Timed steps after 2 warm-up steps; the median counts (default: ${DEFAULT-VALUE}).")
  int steps;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() {
    if (batchSize < 2) throw new IllegalArgumentException("--batch-size must be at least 2 for a contrastive loss, got " + batchSize);
    if (steps < 1) throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
    threads.apply();
    try (LoadedModel m = Models.create(model, 0)) {
      ModelBench.TrainProfile profile = ModelBench.trainProfile(m.as(dev.vlt.models.clip.Clip.class), batchSize, steps);
      double sps = profile.samplesPerSecond();
      System.out.printf(Locale.ROOT, "%s CLIP training, batch %d: %.1f samples/s (%d parameters)%n", model, batchSize, sps,
          m.as(dev.vlt.models.clip.Clip.class).parameterCount());
      double total = batchSize / sps;
      for (int i = 0; i < ModelBench.TrainProfile.PHASES.size(); i++) {
        double p = profile.phaseSeconds()[i];
        System.out.printf(Locale.ROOT, "  %-16s %7.3f s  %4.0f%%%n", ModelBench.TrainProfile.PHASES.get(i), p, 100 * p / total);
      }
      if (model.equals("small") && batchSize == 32) {
        System.out.printf(Locale.ROOT, "  %.2fx eager PyTorch (%.0f samples/s on the reference machine; target >= 1x)%n",
            sps / TORCH_SAMPLES_PER_SECOND, TORCH_SAMPLES_PER_SECOND);
      }
    }
    return 0;
  }
}
