package dev.vlt.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.analysis.ModalityAnalysis;
import dev.vlt.analysis.ModalityAnalyzer;
import dev.vlt.infer.ModelInputs;
import dev.vlt.analysis.Pairs;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.models.Architectures;
import dev.vlt.models.msclip.MsClip;
import dev.vlt.models.msclip.MsClipConfig;
import dev.vlt.models.msclip.ParameterSplit;
import dev.vlt.tensor.Engines;
import dev.vlt.tokenize.BpeTrainer;
import dev.vlt.tokenize.ClipBpeTokenizer;
import dev.vlt.tokenize.TrainedBpe;
import dev.vlt.train.Checkpoints;
import dev.vlt.train.StepMetrics;
import dev.vlt.train.TrainConfig;
import dev.vlt.train.TrainListener;
import dev.vlt.train.TrainRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs an {@link ExperimentSpec}: one tokenizer trained on the training captions, then for every seed every run trained
 * through the one training path ({@link TrainRun}: the same loader, data order, budget and Trainer as {@code vlt train})
 * into {@code out/runs/NAME-seedS/}, followed by the same evaluation and modality analysis, and one report over all of
 * them ({@link ExperimentReport}).
 */
public final class ExperimentRunner {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ExperimentRunner() {}

  /** @param saveModels keep every trained model folder under {@code out/runs/NAME-seedS/model/} */
  public static ExperimentReport.Written run(ExperimentSpec spec, Path out, boolean saveModels, Consumer<String> log)
      throws IOException {
    Engines.ensureStarted();
    long start = System.nanoTime();
    int imageSize = imageSize(spec);
    ExperimentData data = ExperimentData.open(spec.data(), imageSize);
    log.accept("data: " + data.description());
    Files.createDirectories(out);
    TrainedBpe bpe = BpeTrainer.train(data.corpus(), spec.vocabSize());
    Path tokDir = out.resolve("tokenizer");
    bpe.save(tokDir);
    ClipBpeTokenizer tokenizer = ClipBpeTokenizer.fromVocabAndMerges(tokDir.resolve(TrainedBpe.VOCAB_FILE),
        tokDir.resolve(TrainedBpe.MERGES_FILE), spec.contextLength());
    log.accept("tokenizer: byte-level BPE, " + bpe.vocabSize() + " tokens, trained on " + data.corpus().size() + " texts");
    Pairs analysisPairs = Pairs.from(data.eval(), spec.analysisPairs());
    List<RunResult> results = new ArrayList<>();
    for (long seed : spec.budget().seeds()) {
      for (ExperimentSpec.RunSpec run : spec.runs()) {
        MsClipConfig cfg = spec.modelConfig(run, bpe.vocabSize());
        String slug = slug(run.name());
        log.accept("run '" + run.name() + "', seed " + seed);
        Path modelFile = writeModelConfig(out.resolve("configs").resolve(slug + ".json"), cfg);
        Path dir = out.resolve("runs").resolve(slug + "-seed" + seed);
        Checkpoints.deleteTree(dir);  // a re-run starts afresh
        TrainConfig tc = trainConfig(spec, modelFile, tokDir, seed);
        try (TrainRun r = TrainRun.create(dir, tc)) {
          r.runToEnd(progress(log, spec.budget().steps()));
          MsClip model = r.model().as(MsClip.class);
          model.train(false);
          ModelInputs inputs = new ModelInputs(new EvalTransform(r.model().preprocess()), tokenizer, 64);
          Map<String, Double> eval = RunEvaluation.evaluate(model, inputs, data.eval());
          ModalityAnalysis analysis = ModalityAnalyzer.run(run.name(), model, inputs, analysisPairs);
          Map<String, Double> metrics = RunResult.withAnalysis(eval, analysis);
          RunResult.addPoolExponents(metrics, model);
          List<JsonNode> lines = r.metrics().read();
          double[] loss = lines.stream().filter(l -> l.has("loss")).mapToDouble(l -> l.get("loss").asDouble()).toArray();
          double speed = lines.stream().filter(l -> l.has("samples_per_s")).mapToDouble(l -> l.get("samples_per_s").asDouble())
              .average().orElse(0);
          RunResult result = new RunResult(run.name(), seed, ParameterSplit.of(model), speed, loss, metrics, analysis);
          log.accept("  " + result.metrics());
          results.add(result);
        }
        Checkpoints.deleteTree(dir.resolve(TrainRun.CHECKPOINTS));
        if (!saveModels) Checkpoints.deleteTree(dir.resolve(TrainRun.MODEL));
      }
    }
    return ExperimentReport.write(ExperimentReport.setup(spec, data.description(), bpe.vocabSize(), (System.nanoTime() - start) / 60e9),
        results, out);
  }

  /**
   * The budget as a training run: the experiment's data (ShapesWorld scenes of the seed's own block, or the emoji pairs
   * shuffled by the seed), its steps, batch and AdamW settings, no evaluation inside and one checkpoint at the end; images
   * through the eval transform, as the evaluation sees them.
   */
  static TrainConfig trainConfig(ExperimentSpec spec, Path modelFile, Path tokenizer, long seed) {
    ExperimentSpec.Budget b = spec.budget();
    ObjectNode c = JSON.createObjectNode();
    c.put("model", modelFile.toString()).put("tokenizer", tokenizer.toString()).put("task", "contrastive");
    if (spec.data().name().equals("shapes")) {
      c.put("data", "shapes").put("shapes_objects", spec.data().maxObjects()).put("train_num_samples", (long) b.steps() * b.batchSize());
    } else {
      c.put("data", "emoji:train");
    }
    c.put("crop_scale", 1.0).put("batch_size", b.batchSize()).put("steps", b.steps()).put("lr", b.lr()).put("warmup", b.warmup())
        .put("wd", b.weightDecay()).put("grad_clip_norm", b.gradClip()).put("seed", seed).put("zeroshot_frequency", 0)
        .put("save_frequency", 1_000_000).put("log_every_n_steps", 50);
    return TrainConfig.fromJson(c);
  }

  private static Path writeModelConfig(Path file, MsClipConfig cfg) throws IOException {
    Files.createDirectories(file.getParent());
    ObjectNode root = JSON.createObjectNode();
    root.put(Architectures.KEY, cfg.arch());
    root.set("model_cfg", cfg.toJson(JSON));
    Files.writeString(file, JSON.writeValueAsString(root) + "\n");
    return file;
  }

  private static TrainListener progress(Consumer<String> log, int steps) {
    return new TrainListener() {
      @Override
      public void stepped(StepMetrics m) {
        if (m.step() % 50 == 0 || m.step() == steps) log.accept(String.format(Locale.ROOT, "  step %d/%d  loss %.4f", m.step(), steps, m.loss()));
      }
    };
  }

  /** Every run must see the same images: one image size for the whole experiment. */
  static int imageSize(ExperimentSpec spec) {
    int size = -1;
    for (ExperimentSpec.RunSpec run : spec.runs()) {
      int s = spec.modelConfig(run, BpeTrainer.BASE_VOCAB).imageSize();
      if (size >= 0 && s != size) {
        throw new IllegalArgumentException("run '" + run.name() + "' has image_size " + s + " but an earlier run has " + size
            + "; an experiment compares models on the same images");
      }
      size = s;
    }
    return size;
  }

  static String slug(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
  }
}
