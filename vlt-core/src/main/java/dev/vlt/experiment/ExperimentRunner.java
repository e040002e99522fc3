package dev.vlt.experiment;

import ai.djl.ndarray.NDManager;
import dev.vlt.analysis.ModalityAnalysis;
import dev.vlt.analysis.ModalityAnalyzer;
import dev.vlt.analysis.ModelInputs;
import dev.vlt.analysis.Pairs;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.models.msclip.MsClip;
import dev.vlt.models.msclip.MsClipConfig;
import dev.vlt.models.msclip.MsClipFolder;
import dev.vlt.models.msclip.ParameterSplit;
import dev.vlt.tensor.Engines;
import dev.vlt.tokenize.BpeTrainer;
import dev.vlt.tokenize.ClipBpeTokenizer;
import dev.vlt.tokenize.TrainedBpe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs an {@link ExperimentSpec}: one tokenizer trained on the training captions, then for every seed every run — the
 * same training pairs in the same order, the same budget — followed by the same evaluation and modality analysis, and one
 * report over all of them ({@link ExperimentReport}).
 */
public final class ExperimentRunner {
  private ExperimentRunner() {}

  /** @param saveModels also write every trained model as a model folder under {@code out/models/} */
  public static ExperimentReport.Written run(ExperimentSpec spec, Path out, boolean saveModels, Consumer<String> log)
      throws IOException {
    Engines.ensureStarted();
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
    PreprocessConfig preprocess = PreprocessConfig.openai(imageSize);
    ModelInputs inputs = new ModelInputs(new EvalTransform(preprocess), tokenizer, 64);
    Pairs analysisPairs = Pairs.from(data.eval(), spec.analysisPairs());
    List<RunResult> results = new ArrayList<>();
    for (long seed : spec.budget().seeds()) {
      Pairs stream = data.trainingPairs(seed, spec.budget().steps() * spec.budget().batchSize());
      for (ExperimentSpec.RunSpec run : spec.runs()) {
        MsClipConfig cfg = spec.modelConfig(run, bpe.vocabSize());
        log.accept("run '" + run.name() + "', seed " + seed);
        try (NDManager m = NDManager.newBaseManager()) {
          MsClip model = new MsClip(cfg);
          model.initialize(m, seed);
          ContrastiveTraining.Result trained = ContrastiveTraining.run(model, inputs, stream, spec.budget(), seed, m, log);
          Map<String, Double> eval = RunEvaluation.evaluate(model, inputs, data.eval());
          ModalityAnalysis analysis = ModalityAnalyzer.run(run.name(), model, inputs, analysisPairs);
          Map<String, Double> metrics = RunResult.withAnalysis(eval, analysis);
          RunResult.addPoolExponents(metrics, model);
          RunResult r = new RunResult(run.name(), seed, ParameterSplit.of(model), trained.samplesPerSecond(), trained.loss(),
              metrics, analysis);
          log.accept("  " + r.metrics());
          results.add(r);
          if (saveModels) {
            Path dir = out.resolve("models").resolve(slug(run.name()) + "-seed" + seed);
            MsClipFolder.save(model, preprocess, dir);
            bpe.save(dir);
          }
        }
      }
    }
    return ExperimentReport.write(spec, data.description(), bpe.vocabSize(), results, out);
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
    return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
  }
}
