package dev.vlt.train;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vlt.data.CaptionNoise;
import dev.vlt.data.DataOptions;
import dev.vlt.data.DataSource;
import dev.vlt.data.DataSources;
import dev.vlt.data.Loader;
import dev.vlt.data.LoaderConfig;
import dev.vlt.data.SkipReport;
import dev.vlt.data.Templates;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.ImageTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.image.TrainTransform;
import dev.vlt.data.shapes.ShapesSource;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.models.Capability;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.ModelConfig;
import dev.vlt.models.Models;
import dev.vlt.tensor.Engines;
import dev.vlt.tensor.Module;
import dev.vlt.tensor.Parameter;
import dev.vlt.tokenize.Tokenizer;
import dev.vlt.tokenize.TokenizerSpec;
import dev.vlt.tokenize.Tokenizers;
import dev.vlt.tokenize.TrainedBpe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A training run in its folder: {@code config.json} (the full, resolved {@link TrainConfig}), {@code metrics.jsonl},
 * {@code checkpoints/}, {@code plots/}, {@code tokenizer/} (when the run trained its own BPE) and, once complete,
 * {@code model/}, the trained model folder with its tokenizer files. Assembles the model (any architecture of the
 * registry), its task, the data through the one {@link Loader}, the evaluations and the {@link Trainer} from the config,
 * for a new run or to resume the latest checkpoint.
 */
public final class TrainRun implements AutoCloseable {
  public static final String CONFIG = "config.json";
  public static final String METRICS = "metrics.jsonl";
  public static final String CHECKPOINTS = "checkpoints";
  public static final String PLOTS = "plots";
  public static final String MODEL = "model";
  public static final String TOKENIZER = "tokenizer";
  public static final String SWAPPED = "caption-noise-swapped.txt";
  /** Beside {@value #SWAPPED}: each swapped pair's id and its own first caption before the swap, tab-separated. */
  public static final String SWAPPED_ORIGINALS = "caption-noise-originals.tsv";
  static final int ZEROSHOT_IMAGES = 256;
  static final int CAPTION_IMAGES = 64;
  /** Each seed trains on its own block of ShapesWorld's endless train split. */
  static final long SEED_BLOCK = 100_000_000L;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final List<String> TOKENIZER_FILES = List.of(TrainedBpe.VOCAB_FILE, TrainedBpe.MERGES_FILE,
      "tokenizer.json", Tokenizers.CLIP_MERGES);

  private final Path dir;
  private final TrainConfig cfg;
  private final NDManager manager;
  private final LoadedModel model;
  private final SkipReport skips = new SkipReport();
  private final DataSource opened;   // what --data names
  private final DataSource source;   // what trains: opened, or its pairs with injected caption noise
  private final Loader loader;
  private final Task<?, ?> task;
  private final Evaluator evaluator;
  private final Trainer<?, ?> trainer;
  private final Checkpoints checkpoints;
  private final MetricsLog metrics;
  private TrainerState resumedFrom;

  private TrainRun(Path dir, TrainConfig given, Checkpoints checkpoints) throws IOException {
    this.dir = dir;
    this.checkpoints = checkpoints;
    this.metrics = new MetricsLog(dir.resolve(METRICS));
    Engines.ensureStarted();
    this.manager = NDManager.newBaseManager();
    LoadedModel m = null;
    try {
      m = given.pretrained() != null ? Models.load(Path.of(given.pretrained()))
          : Models.create(modelConfig(given.model()), given.model(), given.seed());
      if (given.initFrom() != null) initFrom(m, Path.of(given.initFrom()));
      this.model = m;
      PreprocessConfig preprocess = model.preprocess();
      DataOptions options = DataOptions.defaults(preprocess.imageSize())
          .withKeys(given.data().imageKey(), given.data().captionKey(), given.data().separatorChar())
          .withClassTemplates(given.data().classTemplates())
          .withShapes(given.data().shapesObjects(), given.trainNumSamples(), given.seed() * SEED_BLOCK);
      this.opened = DataSources.open(given.data().source(), options, skips);
      this.source = given.data().captionNoise() == null ? opened : noisy(opened, given.data().captionNoise(), given.seed());
      this.cfg = given.resolved(source.size());
      List<Path> tokenizerFiles = new ArrayList<>();
      Tokenizer tokenizer = tokenizer(tokenizerFiles);
      ModelWriter writer = ModelWriter.of(model.config(), model.module(), preprocess, tokenizerFiles);
      LoaderConfig lc = LoaderConfig.train(cfg.batchSize(), cfg.seed()).withRandomCaption(cfg.data().captions().equals("random"));
      LoaderConfig pass = LoaderConfig.eval(cfg.batchSize());
      if (cfg.data().workers() > 0) {
        lc = lc.withThreads(cfg.data().workers());
        pass = pass.withThreads(cfg.data().workers());
      }
      int frames = model.has(Capability.VIDEO_EMBEDDING) ? model.require(Capability.VIDEO_EMBEDDING).frames() : 0;
      Loader pairs = new Loader(source, new EvalTransform(preprocess), pass, SkipReport.quiet(),
          tokenizer == null ? null : tokenizer::tokenize, frames);
      String taskName = cfg.task() != null ? cfg.task() : model.architecture().defaultTask();
      this.task = Tasks.create(taskName, new Tasks.Context(model, cfg, manager, writer, tokenizer, source, pairs));
      lock(model.module(), cfg.lockImage(), cfg.lockText());
      ImageTransform transform = cfg.data().cropScale() < 1 && !task.needsWholeImages()
          ? new TrainTransform(preprocess, cfg.data().cropScale(), 1.0)
          : new EvalTransform(preprocess);
      this.loader = new Loader(source, transform, lc, skips, tokenizer == null ? null : tokenizer::tokenize, frames);
      this.evaluator = evaluator(tokenizer, options);
      this.trainer = new Trainer<>(task, cfg, manager);
    } catch (RuntimeException | IOException e) {
      if (m != null) m.close();
      manager.close();
      throw e;
    }
  }

  /** The source with injected caption noise; the swapped pairs' ids go to {@value #SWAPPED} for evaluation. */
  private DataSource noisy(DataSource opened, double fraction, long seed) throws IOException {
    CaptionNoise.Injected noisy = CaptionNoise.inject(opened, fraction, seed);
    Files.write(dir.resolve(SWAPPED), noisy.swappedIds());
    Files.write(dir.resolve(SWAPPED_ORIGINALS), noisy.originals().entrySet().stream()
        .map(e -> e.getKey() + "\t" + e.getValue().replace('\t', ' ')).toList());
    return noisy.pairs();
  }

  /** The ids of the pairs whose captions --caption-noise swapped, one a line (absent without caption noise). */
  public static Path swappedIds(Path runDir) {
    return runDir.resolve(SWAPPED);
  }

  /**
   * The tokenizer to train with, and the files that carry it into every saved model folder: {@code --tokenizer}, else
   * a pretrained model's own, else CLIP's BPE for CLIP's vocabulary, else a BPE trained on the run's captions; null for
   * a model without text.
   */
  private Tokenizer tokenizer(List<Path> files) throws IOException {
    TokenizerSpec spec = model.config().tokenizerSpec();
    if (spec == null) return null;                  // a model that reads no text (MAE): captions stay text, unused
    Path override = cfg.tokenizer() == null ? null : Path.of(cfg.tokenizer());
    Path folder = override != null ? (Files.isDirectory(override) ? override : null) : model.folder();
    if (override != null || folder != null || spec.usesClipVocabulary()) {
      Tokenizer t = Tokenizers.resolve(model.folder(), spec, override, model.describe());
      if (override != null && !Files.isDirectory(override)) files.add(override);
      if (folder != null) for (String f : TOKENIZER_FILES) if (Files.isRegularFile(folder.resolve(f))) files.add(folder.resolve(f));
      return t;
    }
    Path tokDir = dir.resolve(TOKENIZER);
    Tokenizer t = RunTokenizer.loadOrTrain(tokDir, source, evaluationPrompts(), spec);
    files.add(tokDir.resolve(TrainedBpe.VOCAB_FILE));
    files.add(tokDir.resolve(TrainedBpe.MERGES_FILE));
    return t;
  }

  /** The texts evaluation will encode besides captions: the class prompts, so their words become tokens too. */
  private List<String> evaluationPrompts() {
    List<String> out = new ArrayList<>();
    if (shapes() != null) out.addAll(ShapesWorld.classPrompts());
    if (model.has(Capability.QUESTION_ANSWERING)) {
      // the questions and answers are texts the model reads too: their words become tokens like the captions'
      java.util.Iterator<dev.vlt.data.Sample> it = source.stream(0, SkipReport.quiet());
      for (int i = 0; i < RunTokenizer.CORPUS_SAMPLES && it.hasNext(); i++) {
        for (dev.vlt.data.Question q : it.next().questions()) {
          out.add(q.text());
          out.add(q.answer());
        }
      }
    }
    List<String> templates = Templates.load(cfg.data().classTemplates());
    for (String c : source.classNames()) out.addAll(Templates.fill(templates, c.replace('_', ' ')));
    return out;
  }

  /**
   * What runs every --zeroshot-frequency epochs: on ShapesWorld, zero-shot over the colour×shape classes (and captioning,
   * for a model that captions); on --val-data, retrieval and zero-shot. Null when none applies.
   */
  private Evaluator evaluator(Tokenizer tokenizer, DataOptions options) throws IOException {
    List<Evaluator> all = new ArrayList<>();
    PreprocessConfig pre = model.preprocess();
    ShapesSource shapes = shapes();
    if (shapes != null && model.has(Capability.IMAGE_TEXT_SIMILARITY)) {
      ShapesWorldConfig world = shapes.world().config();
      all.add(new ShapesZeroShot(model.require(Capability.IMAGE_TEXT_SIMILARITY), tokenizer, pre, world, ZEROSHOT_IMAGES));
      if (model.has(Capability.CAPTIONING)) {
        all.add(new ShapesCaptioning(model.require(Capability.CAPTIONING), tokenizer, pre, world, CAPTION_IMAGES));
      }
    }
    DataSource val = cfg.data().val() == null ? null
        : DataSources.open(cfg.data().val(), options.withShapes(cfg.data().shapesObjects(), cfg.data().valNumSamples(), 0),
            SkipReport.quiet());
    if (model.has(Capability.PIXEL_RECONSTRUCTION)) {
      all.add(new ReconstructionEvaluation(model.require(Capability.PIXEL_RECONSTRUCTION), pre, val != null ? val : source,
          val != null ? "val" : "train", source, dir.resolve(ReconstructionEvaluation.GRID)));
    }
    if (val != null && model.has(Capability.IMAGE_TEXT_SIMILARITY)) {
      all.add(new ValEvaluation(val, model.require(Capability.IMAGE_TEXT_SIMILARITY), tokenizer, pre, cfg.data().valNumSamples(),
          Templates.load(cfg.data().classTemplates())));
    }
    if (all.isEmpty()) return null;
    return () -> {
      Map<String, Double> out = new LinkedHashMap<>();
      for (Evaluator e : all) out.putAll(e.evaluate());
      return out;
    };
  }

  /**
   * LiT-style locking (Zhai et al. 2022): freezes the image tower ({@code visual.}) or the text tower (everything else
   * but the temperature and a captioning decoder). Weights both modalities share (MS-CLIP's {@code shared.}) cannot be
   * locked for one of them.
   */
  static void lock(Module module, boolean image, boolean text) {
    if (!image && !text) return;
    for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
      String n = e.getKey();
      if (n.startsWith("shared.")) {
        throw new IllegalArgumentException("--lock-" + (image ? "image" : "text") + ": this model shares " + n
            + " between images and text, so one tower cannot be locked alone");
      }
      boolean visual = n.startsWith("visual.");
      boolean neither = n.equals("logit_scale") || n.equals("logit_bias") || n.startsWith("text_decoder.");
      if (image && visual || text && !visual && !neither) e.getValue().setFrozen(true);
    }
  }

  /** The ShapesWorld source trained on, under injected caption noise or not; null for other data. */
  private ShapesSource shapes() {
    return opened instanceof ShapesSource shapes ? shapes : null;
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
      Files.writeString(dir.resolve(CONFIG), JSON.writeValueAsString(run.cfg.toJson(JSON)) + "\n");
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
        run.resumedFrom = run.trainer.resume(latest.get());
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
      Trainer.Outcome outcome = trainer.run(loader, evaluator, checkpoints, metrics, both);
      if (outcome == Trainer.Outcome.COMPLETED) saveFinalModel();
      return outcome;
    } finally {
      writePlots();
    }
  }

  /**
   * {@link #run}, for a training that must finish (a quickstart's stage, an experiment's run).
   *
   * @throws TrainingStopped when a {@link StopRequest} stopped it first (its checkpoint saved)
   */
  public void runToEnd(TrainListener listener) throws IOException {
    if (run(listener) != Trainer.Outcome.COMPLETED) throw new TrainingStopped(dir, trainer.step());
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

  public Trainer<?, ?> trainer() {
    return trainer;
  }

  /** The model being trained (any architecture); its module holds the current weights. */
  public LoadedModel model() {
    return model;
  }

  public MetricsLog metrics() {
    return metrics;
  }

  public Checkpoints checkpoints() {
    return checkpoints;
  }

  /** Samples the loader skipped (unreadable images, malformed records), by reason. */
  public SkipReport skips() {
    return skips;
  }

  /** The checkpoint state this run continued from, if it was resumed from one. */
  public Optional<TrainerState> resumedFrom() {
    return Optional.ofNullable(resumedFrom);
  }

  public String dataDescription() {
    return source.describe();
  }

  /** A registry name, or a JSON file holding a model config (a whole open_clip_config.json, or a bare model_cfg). */
  public static ModelConfig modelConfig(String model) throws IOException {
    if (Models.registry().contains(model)) return Models.config(model);
    Path file = Path.of(model);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--model " + model + " is neither a registry architecture (" + String.join(", ", Models.registry())
          + ") nor a config file");
    }
    return Models.readConfigFile(file);
  }

  @Override
  public void close() {
    model.close();
    manager.close();
  }

  /**
   * Starts a tower of the fresh model from {@code source}'s ({@code --init-from}); a resumed run then overwrites every
   * weight from its checkpoint, so this matters for the first step only.
   */
  private static void initFrom(LoadedModel m, Path source) throws IOException {
    if (!(m.module() instanceof dev.vlt.models.TowerInit target)) {
      throw new IllegalArgumentException("--init-from: " + m.config().arch() + " has no tower it can start from another model");
    }
    try (LoadedModel src = Models.load(source)) {
      String what = target.initFrom((dev.vlt.models.ModelModule) src.module(), m.manager());
      System.err.println("init-from " + source + ": " + what);
    }
  }
}
