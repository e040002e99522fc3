package dev.vlt.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.models.clip.Clip;
import dev.vlt.models.clip.ClipConfig;
import dev.vlt.tensor.Engines;
import dev.vlt.tokenize.ClipBpeTokenizer;
import dev.vlt.tokenize.Tokenizer;
import dev.vlt.tokenize.Tokenizers;
import dev.vlt.tokenize.TrainedBpe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A training run in its folder: {@code config.json} (the full {@link TrainConfig}), {@code metrics.jsonl},
 * {@code checkpoints/}, {@code plots/}, {@code tokenizer/} (when the run trained its own BPE) and, once complete,
 * {@code model/}, the trained model in open_clip's hub layout with its tokenizer files. Assembles model, task, data,
 * evaluation and {@link Trainer} from the config, for a new run or to resume the latest checkpoint.
 */
public final class TrainRun implements AutoCloseable {
  public static final String CONFIG = "config.json";
  public static final String METRICS = "metrics.jsonl";
  public static final String CHECKPOINTS = "checkpoints";
  public static final String PLOTS = "plots";
  public static final String MODEL = "model";
  public static final String TOKENIZER = "tokenizer";
  static final int ZEROSHOT_IMAGES = 256;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final List<String> TOKENIZER_FILES = List.of(TrainedBpe.VOCAB_FILE, TrainedBpe.MERGES_FILE,
      "tokenizer.json", Tokenizers.CLIP_MERGES);

  private final Path dir;
  private final TrainConfig cfg;
  private final NDManager manager;
  private final LoadedModel pretrained;
  private final ClipTask task;
  private final BatchSource source;
  private final Evaluator evaluator;
  private final Trainer trainer;
  private final Checkpoints checkpoints;
  private final MetricsLog metrics;
  private TrainerState resumedFrom;

  private TrainRun(Path dir, TrainConfig cfg, Checkpoints checkpoints) throws IOException {
    if (!cfg.data().equals(ShapesWorld.NAME)) {
      throw new IllegalArgumentException("--data " + cfg.data() + ": vlt train reads only the built-in '" + ShapesWorld.NAME + "' for now");
    }
    this.dir = dir;
    this.cfg = cfg;
    this.checkpoints = checkpoints;
    this.metrics = new MetricsLog(dir.resolve(METRICS));
    Engines.ensureStarted();
    this.manager = NDManager.newBaseManager();
    try {
      Clip clip;
      PreprocessConfig preprocess;
      Tokenizer tokenizer;
      List<Path> tokenizerFiles = new ArrayList<>();
      if (cfg.pretrained() != null) {
        Path folder = Path.of(cfg.pretrained());
        pretrained = Models.load(folder);
        clip = pretrained.clip();
        preprocess = pretrained.preprocess();
        tokenizer = Tokenizers.forModelDir(folder, null);
        for (String f : TOKENIZER_FILES) if (Files.isRegularFile(folder.resolve(f))) tokenizerFiles.add(folder.resolve(f));
      } else {
        pretrained = null;
        ClipConfig c = modelConfig(cfg.model());
        clip = new Clip(c);
        clip.initialize(manager, cfg.seed());
        preprocess = PreprocessConfig.openai(c.vision().imageSize());
        if (c.text().vocabSize() == ShapesVocab.CLIP_VOCAB_SIZE) {
          tokenizer = ClipBpeTokenizer.fromMergesFile(Tokenizers.defaultClipMerges(), c.text().contextLength());
        } else {
          Path tokDir = dir.resolve(TOKENIZER);
          tokenizer = ShapesVocab.loadOrTrain(tokDir, c.text());
          tokenizerFiles.add(tokDir.resolve(TrainedBpe.VOCAB_FILE));
          tokenizerFiles.add(tokDir.resolve(TrainedBpe.MERGES_FILE));
        }
      }
      if (tokenizer.vocabSize() > clip.config().text().vocabSize()) {
        throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " tokens but the model's text_cfg.vocab_size is "
            + clip.config().text().vocabSize());
      }
      if (cfg.lockImage()) clip.visual().freeze(true);
      if (cfg.lockText()) clip.text().freeze(true);
      task = new ClipTask(clip, preprocess, tokenizerFiles,
          cfg.loss().equals("sigmoid") ? ClipTask.Objective.SIGMOID : ClipTask.Objective.CONTRASTIVE, -10, manager);
      ShapesWorldConfig world = ShapesWorldConfig.defaults().withImageSize(preprocess.imageSize()).withObjects(1, cfg.shapesObjects());
      long perEpoch = cfg.stepsPerEpoch() * cfg.batchSize() * cfg.accumFreq();
      source = new ShapesSource(new ShapesWorld(world), Split.TRAIN, cfg.batchSize(), perEpoch, tokenizer, preprocess, cfg.seed());
      evaluator = new ShapesZeroShot(clip, tokenizer, preprocess, world, ZEROSHOT_IMAGES);
      trainer = new Trainer(task, cfg, manager);
    } catch (RuntimeException | IOException e) {
      close();
      throw e;
    }
  }

  /** A new run in {@code dir}, which must be absent or empty; on failure nothing is left behind. */
  public static TrainRun create(Path dir, TrainConfig cfg) throws IOException {
    if (Files.exists(dir.resolve(CONFIG))) {
      throw new IllegalArgumentException("--out " + dir + " already holds a run (" + CONFIG + "): pass --resume to continue it, or choose another --out");
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IllegalArgumentException("--out " + dir + " is a file, not a folder");
    if (Files.isDirectory(dir)) {
      try (var entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) throw new IllegalArgumentException("--out " + dir + " is not empty; choose a new or empty folder");
      }
    }
    boolean existed = Files.isDirectory(dir);
    Files.createDirectories(dir);
    TrainRun run = null;
    try {
      run = new TrainRun(dir, cfg, new Checkpoints(dir.resolve(CHECKPOINTS)));
      Files.writeString(dir.resolve(CONFIG), JSON.writeValueAsString(cfg.toJson(JSON)) + "\n");
      return run;
    } catch (RuntimeException | IOException e) {
      if (run != null) run.close();
      if (existed) {
        try (var entries = Files.list(dir)) {
          for (Path p : entries.toList()) Checkpoints.deleteTree(p);
        }
      } else {
        Checkpoints.deleteTree(dir);
      }
      throw e;
    }
  }

  /** Continues the run in {@code dir} from its latest checkpoint, with the config it was started with. */
  public static TrainRun resume(Path dir) throws IOException {
    return resume(dir, new Checkpoints(dir.resolve(CHECKPOINTS)));
  }

  static TrainRun resume(Path dir, Checkpoints checkpoints) throws IOException {
    Path file = dir.resolve(CONFIG);
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("--resume: " + dir + " holds no run (no " + CONFIG + ")");
    TrainConfig cfg;
    try {
      cfg = TrainConfig.fromJson(JSON.readTree(file.toFile()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage());
    }
    checkpoints.removeIncomplete();
    TrainRun run = new TrainRun(dir, cfg, checkpoints);
    try {
      Optional<Path> latest = checkpoints.latest();
      if (latest.isPresent()) {
        run.resumedFrom = run.trainer.resume(latest.get(), run.source);
        run.metrics.truncateAfter(run.resumedFrom.step());
      } else {
        run.metrics.truncateAfter(-1);  // nothing was saved: start over
      }
      return run;
    } catch (RuntimeException | IOException e) {
      run.close();
      throw e;
    }
  }

  /**
   * Trains to the end (or until {@link #requestStop}); writes plots, and the final model folder when complete.
   *
   * @throws NonFiniteLossException at a NaN or infinite loss (plots are still written)
   */
  public Trainer.Outcome run(TrainListener listener) throws IOException {
    TrainListener both = new TrainListener() {
      @Override
      public void started(long step, long steps, String data) {
        listener.started(step, steps, data);
      }

      @Override
      public void stepped(StepMetrics m) {
        listener.stepped(m);
      }

      @Override
      public void evaluated(long step, Map<String, Double> m) {
        listener.evaluated(step, m);
      }

      @Override
      public void checkpointed(long step, Path checkpoint) {
        writePlots();
        listener.checkpointed(step, checkpoint);
      }
    };
    try {
      Trainer.Outcome outcome = trainer.run(source, evaluator, checkpoints, metrics, both);
      if (outcome == Trainer.Outcome.COMPLETED) saveFinalModel();
      return outcome;
    } finally {
      writePlots();
    }
  }

  private void saveFinalModel() throws IOException {
    Path target = dir.resolve(MODEL);
    Path tmp = dir.resolve("." + MODEL + ".tmp");
    Checkpoints.deleteTree(tmp);
    task.saveModel(tmp);
    Checkpoints.deleteTree(target);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The plots from the metrics so far. */
  public List<Path> writePlots() {
    return RunPlots.write(dir.resolve(PLOTS), metrics.read());
  }

  public void requestStop() {
    trainer.requestStop();
  }

  public Path dir() {
    return dir;
  }

  public TrainConfig config() {
    return cfg;
  }

  public Trainer trainer() {
    return trainer;
  }

  public Clip clip() {
    return task.clip();
  }

  public MetricsLog metrics() {
    return metrics;
  }

  public Checkpoints checkpoints() {
    return checkpoints;
  }

  /** The checkpoint state this run continued from, if it was resumed from one. */
  public Optional<TrainerState> resumedFrom() {
    return Optional.ofNullable(resumedFrom);
  }

  public String dataDescription() {
    return source.describe();
  }

  /** A registry architecture, or a JSON file holding a model_cfg (or a whole open_clip_config.json). */
  static ClipConfig modelConfig(String model) throws IOException {
    if (Models.architectures().contains(model)) return Models.config(model);
    Path file = Path.of(model);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--model " + model + " is neither a known architecture (" + String.join(", ", Models.architectures())
          + ") nor a config file");
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage());
    }
    return ClipConfig.fromJson(root.has("model_cfg") ? root.get("model_cfg") : root);
  }

  @Override
  public void close() {
    if (pretrained != null) pretrained.close();
    manager.close();
  }
}
