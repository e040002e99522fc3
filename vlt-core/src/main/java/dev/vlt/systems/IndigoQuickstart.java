package dev.vlt.systems;

import static dev.vlt.systems.Quickstart.pct;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.DataSources;
import dev.vlt.data.SampleList;
import dev.vlt.data.Templates;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.Raster8;
import dev.vlt.data.styles.EmojiStyles;
import dev.vlt.data.styles.Style;
import dev.vlt.eval.Labeled;
import dev.vlt.eval.LinearProbe;
import dev.vlt.eval.ProbeMetrics;
import dev.vlt.eval.ZeroShot;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.Capability;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.indigo.Indigo;
import dev.vlt.models.indigo.IndigoConfig;
import dev.vlt.models.indigo.IndigoOutput;
import dev.vlt.report.HtmlReport;
import dev.vlt.report.ImageGrid;
import dev.vlt.tensor.NoGrad;
import dev.vlt.train.Checkpoints;
import dev.vlt.train.TrainConfig;
import dev.vlt.train.TrainRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code vlt quickstart --system indigo}: INDIGO's domain generalisation on the Google emoji art in six styles (the
 * original and five {@link Style}s made from it). First a small CLIP ({@code shapes-small}) is trained contrastively on
 * the training emoji's name pairs: the frozen CLIP. The quickstart's own run trains INDIGO over it on every style (the
 * model folder {@code vlt classify} uses). The evaluation holds each of the five made styles out in turn
 * (leave-one-domain-out): INDIGO trained on the other five domains (the original always among them), scored on the
 * held-out style of the 376 test emoji (emoji never trained on, in a style never trained on), against the same frozen
 * CLIP's zero-shot (the 9 category names through the emoji prompt set) and its linear probe fitted on the training emoji
 * of the source domains. INDIGO predicts with the mean of its two heads' probabilities (the class token's, and the CLIP
 * token's summed over the source domains' prompts, since the held-out domain's name is unknown); both heads alone are
 * reported too.
 */
final class IndigoQuickstart implements QuickstartSystem {
  static final String CLIP_MODEL = "shapes-small";
  static final int CLIP_STEPS = 300;
  /**
   * Steps of 64 per INDIGO run (the quickstart's and each of the five folds'): 6,400 images, 0.84 of an epoch of a fold's
   * five source domains. A compute bound: six runs and the CLIP must fit the quickstart's 10 minutes (200 steps took 16).
   */
  static final long STEPS = 100;
  static final int BATCH = 64;
  static final String CLIP_DIR = "clip";
  /**
   * The linear probe's settings: the library's default hold-out and C sweep, each L-BFGS fit stopped at 50 iterations
   * (the default 300 made the five probes as slow as INDIGO's five trainings, 100 still took two minutes; a compute
   * bound, not tuned on any score).
   */
  static final LinearProbe.Config PROBE = new LinearProbe.Config(0.2, 0, 50, 1e-4);
  /**
   * The frozen CLIP's pairs: the training emoji (original art only) captioned by category and name, one of the emoji
   * prompt set's wordings drawn per read. On names alone the CLIP never reads a category word, and its zero-shot over
   * the categories, INDIGO's baseline, was below the majority class.
   */
  static final String CLIP_DATA = "emoji:train:described";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "indigo";
  }

  @Override
  public String description() {
    return "INDIGO (a 4-block ViT with a frozen CLIP's image embedding as an extra token, class × domain prompts) on emoji "
        + "art in six styles; leave-one-style-out top-1 against the frozen CLIP's zero-shot and linear probe";
  }

  @Override
  public TrainConfig trainConfig(long seed, Long steps) {
    throw new IllegalArgumentException("the indigo quickstart first trains the CLIP INDIGO freezes: run it with vlt quickstart "
        + "--system indigo (or vlt train --task indigo --pretrained CLIP_FOLDER --data emoji-styles:train)");
  }

  /** Trains the frozen CLIP into {@code out/clip}, then returns INDIGO's run over it on every style. */
  @Override
  public TrainConfig prepare(Path out, long seed, Long steps, String data, Consumer<String> log) throws IOException {
    if (data != null) throw new IllegalArgumentException("--data: the indigo quickstart trains only on its built-in emoji styles");
    Path runDir = out.resolve(CLIP_DIR).resolve("train");
    ObjectNode c = JSON.createObjectNode().put("model", CLIP_MODEL).put("data", CLIP_DATA).put("task", "contrastive")
        .put("seed", seed).put("batch_size", BATCH).put("steps", CLIP_STEPS).put("zeroshot_frequency", 0)
        .put("save_frequency", 1000).put("log_every_n_steps", 100);
    Stage.trained(runDir, c, "0/2 the frozen CLIP (" + CLIP_MODEL + ", " + CLIP_STEPS + " steps of " + BATCH
        + " training emoji captioned by category and name)", log);
    return indigoConfig(seed, steps != null ? steps : STEPS, runDir.resolve(TrainRun.MODEL), List.of(Style.values()));
  }

  /** INDIGO over the CLIP folder {@code clip}, trained on the training emoji in {@code styles}. */
  static TrainConfig indigoConfig(long seed, long steps, Path clip, List<Style> styles) {
    ObjectNode c = JSON.createObjectNode().put("pretrained", clip.toAbsolutePath().toString()).put("task", "indigo")
        .put("data", EmojiStyles.spec("train", styles)).put("seed", seed).put("batch_size", BATCH).put("steps", steps)
        .put("lr", 1e-3).put("wd", 0.05).put("warmup", Math.min(20, steps / 5)).put("zeroshot_frequency", 0)
        .put("save_frequency", 1000).put("log_every_n_steps", 40);
    return TrainConfig.fromJson(c);
  }

  /** Every style but {@code heldOut}: a fold's source domains. */
  private static List<Style> sources(Style heldOut) {
    List<Style> sources = new ArrayList<>(List.of(Style.values()));
    sources.remove(heldOut);
    return sources;
  }

  /** One held-out style's figures. */
  record Fold(Style heldOut, int tests, double combined, double classToken, double text, double zeroShot, double probe,
      double majority) {}

  @Override
  public Evaluation evaluate(Path modelDir, Path out, long seed, Consumer<String> log) throws IOException {
    TrainConfig trained = TrainConfig.fromJson(JSON.readTree(modelDir.toAbsolutePath().getParent().resolve(TrainRun.CONFIG).toFile()));
    Path clipDir = Path.of(trained.pretrained());
    Path emojiDir = DataSources.dataDir().resolve("emoji-google-64");
    SampleList train = EmojiStyles.open(emojiDir, "train:original").base();
    SampleList test = EmojiStyles.open(emojiDir, "test:original").base();
    List<String> classes = train.classNames();
    int[] trainLabels = labels(train);
    int[] testLabels = labels(test);

    // the frozen CLIP's normalised image embeddings of every style, and its zero-shot classifier
    Map<Style, float[][]> trainFeatures = new LinkedHashMap<>();
    Map<Style, float[][]> testFeatures = new LinkedHashMap<>();
    float[][] zeroShot;
    try (LoadedModel clip = Models.load(clipDir)) {
      ContrastiveModel cm = clip.require(Capability.IMAGE_TEXT_SIMILARITY);
      ModelInputs in = new ModelInputs(new EvalTransform(clip.preprocess()), clip::tokenizer, 64);
      for (Style s : Style.values()) {
        trainFeatures.put(s, in.embedImages(cm, styled(train, s)));
        testFeatures.put(s, in.embedImages(cm, styled(test, s)));
      }
      List<String> templates = Templates.load("emoji");
      List<float[][]> perClass = new ArrayList<>();
      for (String c : classes) perClass.add(in.embedTexts(cm, Templates.fill(templates, c)));
      zeroShot = ZeroShot.classifier(perClass);
    }
    log.accept("  frozen CLIP features of " + Style.values().length + " styles × (" + train.count() + " train + " + test.count()
        + " test) emoji");

    // the model of the quickstart's run, trained on every style: accuracy on each style's test emoji (domains it has seen)
    Map<Style, Double> seen = new LinkedHashMap<>();
    IndigoConfig indigo;
    try (LoadedModel lm = Models.load(modelDir)) {
      Indigo m = lm.as(Indigo.class);
      indigo = m.config();
      for (Style s : Style.values()) seen.put(s, accuracy(heads(m, lm, styled(test, s)), testLabels, "combined"));
    }

    // the linear probes first, one per held-out style, two at a time: plain-Java L-BFGS on one core each, nothing else
    // running (inside the fold loop they took about as long as INDIGO's training)
    List<Style> heldOut = java.util.Arrays.stream(Style.values()).filter(s -> s != Style.ORIGINAL).toList();
    Map<Style, ProbeMetrics> probes = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<?>> pending = new ArrayList<>();
      for (Style h : heldOut) {
        pending.add(pool.submit(() -> {
          Labeled probeTrain = null;
          for (Style s : sources(h)) {
            Labeled part = new Labeled(trainFeatures.get(s), trainLabels);
            probeTrain = probeTrain == null ? part : probeTrain.concat(part);
          }
          probes.put(h, LinearProbe.evaluate(probeTrain, new Labeled(testFeatures.get(h), testLabels), classes, PROBE));
        }));
      }
      for (var f : pending) f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fitting the linear probes", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("linear probe failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    log.accept("  linear probes of the frozen CLIP fitted for " + heldOut.size() + " held-out styles");

    List<Fold> folds = new ArrayList<>();
    for (Style h : heldOut) {
      List<Style> sources = sources(h);
      double zs = ZeroShot.evaluate(testFeatures.get(h), zeroShot, testLabels, classes, ZeroShot.CLIP_LOGIT_SCALE).metrics().top1();
      ProbeMetrics probe = probes.get(h);
      Path foldDir = out.resolve("folds").resolve(h.id()).resolve("train");
      Checkpoints.deleteTree(foldDir);
      log.accept("  held out " + h.id() + ": training INDIGO on " + sources.stream().map(Style::id).toList() + " -> " + foldDir);
      Path foldModel = Stage.train(foldDir, indigoConfig(trained.seed(), trained.steps(), clipDir, sources));
      IndigoOutputs o;
      try (LoadedModel lm = Models.load(foldModel)) {
        o = heads(lm.as(Indigo.class), lm, styled(test, h));
      }
      Fold f = new Fold(h, test.count(), accuracy(o, testLabels, "combined"), accuracy(o, testLabels, "class-token"),
          accuracy(o, testLabels, "text"), zs, probe.testAccuracy(), ContrastiveQuickstart.majority(probe.confusion()));
      folds.add(f);
      log.accept(String.format(Locale.ROOT, "  held out %s: INDIGO %.1f%% (class token %.1f%%, CLIP token %.1f%%), zero-shot "
          + "%.1f%%, linear probe %.1f%%", h.id(), 100 * f.combined(), 100 * f.classToken(), 100 * f.text(), 100 * f.zeroShot(),
          100 * f.probe()));
    }
    return report(out, folds, seen, trained, indigo, test, train.count());
  }

  /** Every head's class probabilities for {@code images} [N][C], one array per prediction rule. */
  record IndigoOutputs(Map<String, float[][]> probabilities) {}

  static IndigoOutputs heads(Indigo m, LoadedModel lm, List<Raster8> images) {
    m.train(false);
    ModelInputs in = new ModelInputs(new EvalTransform(lm.preprocess()), () -> null, 64);
    Map<String, float[][]> out = new LinkedHashMap<>();
    for (String p : IndigoConfig.PREDICTIONS) out.put(p, new float[images.size()][]);
    for (int from = 0; from < images.size(); from += in.batchSize()) {
      List<Raster8> chunk = images.subList(from, Math.min(images.size(), from + in.batchSize()));
      try (NDManager nm = NDManager.newBaseManager(); NDScope scope = new NDScope(); NoGrad ng = NoGrad.open()) {
        IndigoOutput o = m.forward(in.pixels(nm, chunk));
        for (String p : IndigoConfig.PREDICTIONS) ModelInputs.copyRows(o.probabilities(p), out.get(p), from);
      }
    }
    return new IndigoOutputs(out);
  }

  static double accuracy(IndigoOutputs o, int[] labels, String prediction) {
    float[][] p = o.probabilities().get(prediction);
    int hits = 0;
    for (int i = 0; i < labels.length; i++) {
      int best = 0;
      for (int c = 1; c < p[i].length; c++) if (p[i][c] > p[i][best]) best = c;
      if (best == labels[i]) hits++;
    }
    return (double) hits / labels.length;
  }

  private static int[] labels(SampleList set) {
    return set.samples().stream().mapToInt(s -> s.label()).toArray();
  }

  /** Every emoji of {@code set} in style {@code s}, decoded. */
  static List<Raster8> styled(SampleList set, Style s) throws IOException {
    List<Raster8> out = new ArrayList<>(set.count());
    for (var sample : set.samples()) out.add(s.apply(sample.image().load(), sample.id().hashCode()));
    return out;
  }

  private Evaluation report(Path out, List<Fold> folds, Map<Style, Double> seen, TrainConfig trained, IndigoConfig indigo,
      SampleList test, int trainCount) throws IOException {
    List<Figure> figures = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    double[] mean = new double[5];
    for (Fold f : folds) {
      String name = "held-out " + f.heldOut().id() + ": INDIGO top-1 (" + f.tests() + " test emoji, " + 9 + " classes)";
      figures.add(new Figure(name, f.combined(), "frozen CLIP zero-shot", f.zeroShot()));
      figures.add(new Figure(name, f.combined(), "frozen CLIP linear probe on the source domains", f.probe()));
      rows.add(List.of(f.heldOut().id(), pct(f.combined()), pct(f.classToken()), pct(f.text()), pct(f.zeroShot()), pct(f.probe()),
          pct(f.majority())));
      notes.add(String.format(Locale.ROOT, "held out %s: INDIGO %.1f%% (class token %.1f%%, CLIP token %.1f%%), frozen CLIP "
          + "zero-shot %.1f%%, linear probe %.1f%%, majority class %.1f%%", f.heldOut().id(), 100 * f.combined(),
          100 * f.classToken(), 100 * f.text(), 100 * f.zeroShot(), 100 * f.probe(), 100 * f.majority()));
      mean[0] += f.combined() / folds.size();
      mean[1] += f.classToken() / folds.size();
      mean[2] += f.text() / folds.size();
      mean[3] += f.zeroShot() / folds.size();
      mean[4] += f.probe() / folds.size();
    }
    String meanName = "mean over the " + folds.size() + " held-out styles: INDIGO top-1";
    figures.add(new Figure(meanName, mean[0], "frozen CLIP zero-shot", mean[3]));
    figures.add(new Figure(meanName, mean[0], "frozen CLIP linear probe on the source domains", mean[4]));
    rows.add(List.of("mean", pct(mean[0]), pct(mean[1]), pct(mean[2]), pct(mean[3]), pct(mean[4]), ""));
    StringBuilder seenLine = new StringBuilder("the quickstart's model (trained on all six styles) on each style's test emoji:");
    seen.forEach((s, a) -> seenLine.append(String.format(Locale.ROOT, " %s %.1f%%", s.id(), 100 * a)));
    notes.add(seenLine.toString());

    HtmlReport html = new HtmlReport("vlt quickstart --system indigo: " + description());
    html.paragraph("The frozen CLIP is " + CLIP_MODEL + " trained contrastively for " + CLIP_STEPS + " steps of " + BATCH
        + " on the " + trainCount + " training emoji captioned by their category and name ('an emoji of food & drink: "
        + "red apple', the wording drawn from the emoji prompt set; it has seen the original art only). INDIGO (a ViT of "
        + "width " + indigo.width() + ", " + indigo.depth() + " blocks, " + indigo.patchSize() + "-pixel patches, "
        + (indigo.initFromClip() ? "started as a copy of the frozen CLIP's image tower and fine-tuned" : "from scratch")
        + ", with the CLIP's image embedding as an extra token) trains for "
        + trained.steps() + " steps of " + trained.batchSize() + " per fold, seed " + trained.seed() + ", on the training emoji "
        + "in the source styles; its class token goes to a linear head, its CLIP token is classified against the frozen text "
        + "tower's prompts 'STYLE TEMPLATE of CATEGORY' for every source style and category, the two cross-entropies weighted "
        + "equally. Test: the " + test.count() + " test emoji (never trained on, by INDIGO or the CLIP) in the held-out style. "
        + "INDIGO predicts with the mean of its heads' probabilities; the CLIP token's probability of a class is its softmax "
        + "summed over the source styles' prompts of that class, since the held-out style's name is not known at test time. "
        + "Zero-shot: the 9 category names through vlt's emoji prompt set. Linear probe: logistic regression on the frozen "
        + "CLIP's image embeddings of the source styles' training emoji, its penalty chosen on a held-out fifth of them (each L-BFGS fit stopped at " + PROBE.maxIterations() + " iterations).");
    html.table("leave-one-style-out top-1 on the held-out style", List.of("held-out style", "INDIGO (mean of heads)",
        "class-token head", "CLIP-token head", "frozen CLIP zero-shot", "frozen CLIP linear probe", "majority class"), rows);
    html.paragraph(seenLine.toString());
    html.image(ImageGrid.render("the styles (domains)", examples(test)), "three test emoji in each style");
    Path report = out.resolve("report.html");
    html.write(report);
    return new Evaluation(figures, notes, report);
  }

  private static List<ImageGrid.Row> examples(SampleList test) throws IOException {
    List<ImageGrid.Row> rows = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      var sample = test.get(i * 97 % test.count());
      Raster8 image = sample.image().load();
      List<ImageGrid.Thumb> cells = new ArrayList<>();
      for (Style s : Style.values()) cells.add(new ImageGrid.Thumb(s.apply(image, sample.id().hashCode()).toBufferedImage(), s.id(), true));
      rows.add(new ImageGrid.Row(sample.captions().get(0), cells));
    }
    return rows;
  }
}
