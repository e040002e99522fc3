package dev.vlt.systems;

import static dev.vlt.systems.Quickstart.pct;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.shapes.Motion;
import dev.vlt.data.shapes.ShapesClip;
import dev.vlt.data.shapes.ShapesClipSource;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.data.video.Video;
import dev.vlt.eval.ZeroShot;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.Capability;
import dev.vlt.models.ContrastiveModel;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.mov.Mov;
import dev.vlt.models.mov.MovInputs;
import dev.vlt.report.HtmlReport;
import dev.vlt.tensor.NoGrad;
import dev.vlt.tensor.Ops;
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
import java.util.stream.Collectors;

/**
 * {@code vlt quickstart --system mov}: open-vocabulary classification of ShapesWorld clips by what happens in them. First
 * the video-language model MOV starts from: {@code omnivl-shapes-small} trained by UniVLC on clip-caption pairs alone
 * ("a green triangle moves to the right"; every motion is named in captions, none is a label — the analogue of web
 * pretraining). Then MOV over it ({@code init_from}; the OmniVL's tokenizer): RGB through its frozen video tower, flow and
 * sound through fine-tuned copies, cross-attention fusion, trained on the base motions only ({@link #BASE}: moves to
 * the left, moves to the right, grows) against its frozen text tower's embeddings of each motion as the captions name it
 * ("a red circle moves to the left", averaged over every colour×shape). The novel motions
 * ({@link #NOVEL}: moves up, moves down, shrinks) are named only at test time. Each group needs frame order (left from
 * right, up from down), which the starting model does not see (OmniVL's quickstart found it order-blind).
 *
 * <p>Evaluated on held-out clips (the test split: colour×shape combinations no training clip shows), 100 per motion,
 * as MOV's paper does: base accuracy among the base classes on base clips, novel accuracy among the novel classes on
 * novel clips, and all six together; against the frozen starting model's zero-shot (RGB only) with the same class
 * embeddings, and chance. MOV without the sound (flow only) and both models with classes by name alone ("something moves
 * up", the data's class names) are scored too.
 */
final class MovQuickstart implements QuickstartSystem {
  static final String START_MODEL = "omnivl-shapes-small";
  static final String MODEL = "mov-shapes-small";
  /** The starting OmniVL's steps of {@link #BATCH} clip-caption pairs (the omnivl quickstart's 700 do not fit beside MOV). */
  static final long START_STEPS = 400;
  static final long STEPS = 300;
  static final int BATCH = 32;
  static final List<Motion> BASE = List.of(Motion.MOVE_LEFT, Motion.MOVE_RIGHT, Motion.GROW);
  static final List<Motion> NOVEL = List.of(Motion.MOVE_UP, Motion.MOVE_DOWN, Motion.SHRINK);
  static final int PER_MOTION = 100;
  static final String START_DIR = "omnivl";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MOV = "MOV: RGB + flow + sound";
  private static final String ZERO_SHOT = "frozen OmniVL zero-shot (RGB only)";

  @Override
  public String name() {
    return "mov";
  }

  @Override
  public String description() {
    return "MOV (mov-shapes-small: a frozen OmniVL trained first on clip captions, flow and sound through fine-tuned copies of "
        + "its video tower, cross-attention fusion) trained on 3 base motions; base and novel (named only at test time) "
        + "accuracy on held-out clips against the frozen model's zero-shot";
  }

  @Override
  public TrainConfig trainConfig(long seed, Long steps) {
    throw new IllegalArgumentException("the mov quickstart first trains the OmniVL MOV starts from: run it with vlt quickstart "
        + "--system mov (or vlt train --model " + MODEL + " --init-from OMNIVL_FOLDER --tokenizer OMNIVL_FOLDER --data "
        + baseData() + ")");
  }

  @Override
  public TrainConfig prepare(Path out, long seed, Long steps, String data, Consumer<String> log) throws IOException {
    if (data != null) throw new IllegalArgumentException("--data: the mov quickstart trains only on its ShapesWorld clips");
    Path startRun = out.resolve(START_DIR).resolve("train");
    Path start = Stage.trained(startRun, startSettings(seed), "0/2 the starting model (" + START_MODEL + ", " + START_STEPS
        + " steps of " + BATCH + " clip-caption pairs, no labels)", log);
    return movConfig(seed, steps != null ? steps : STEPS, start, "mov");
  }

  /** The starting OmniVL's run: the omnivl quickstart's settings on captions alone, shorter. */
  static ObjectNode startSettings(long seed) {
    return JSON.createObjectNode().put("model", START_MODEL).put("data", ShapesClipSource.NAME).put("task", "univlc")
        .put("seed", seed).put("captions", "first").put("crop_scale", 1.0).put("batch_size", BATCH).put("steps", START_STEPS)
        .put("train_num_samples", BATCH * Math.max(1, START_STEPS / 4)).put("lr", 1e-3).put("warmup", Math.min(50, START_STEPS / 10))
        .put("shapes_objects", 1).put("zeroshot_frequency", 0).put("save_frequency", 1000).put("log_every_n_steps", 100);
  }

  /** The base classes' clips as a data spec. */
  static String baseData() {
    return ShapesClipSource.MOTIONS + ":train:" + BASE.stream().map(Motion::id).collect(Collectors.joining(","));
  }

  /** MOV over the OmniVL folder {@code start}, trained by {@code task} (mov, or mov-unfrozen) on the base motions. */
  static TrainConfig movConfig(long seed, long n, Path start, String task) {
    String dir = start.toAbsolutePath().toString();
    ObjectNode c = JSON.createObjectNode().put("model", MODEL).put("init_from", dir).put("tokenizer", dir).put("task", task)
        .put("data", baseData()).put("seed", seed).put("shapes_objects", 1).put("crop_scale", 1.0).put("batch_size", BATCH)
        .put("steps", n).put("train_num_samples", BATCH * Math.max(1, n / 4)).put("lr", 1e-3)
        .put("warmup", Math.min(30, n / 10)).put("zeroshot_frequency", 0).put("save_frequency", 1000).put("log_every_n_steps", 50);
    return TrainConfig.fromJson(c);
  }

  /** Top-1 of one classifier variant: on base clips among base names, novel among novel, all six together. */
  record Scores(double base, double novel, double all) {
    double harmonic() {
      return base + novel == 0 ? 0 : 2 * base * novel / (base + novel);
    }
  }

  @Override
  public Evaluation evaluate(Path modelDir, Path out, long seed, Consumer<String> log) throws IOException {
    TrainConfig trained = TrainConfig.fromJson(JSON.readTree(modelDir.toAbsolutePath().getParent().resolve(TrainRun.CONFIG).toFile()));
    if (trained.initFrom() == null) throw new IllegalArgumentException(modelDir + " was not started from an OmniVL (no init_from)");
    Path startDir = Path.of(trained.initFrom());
    List<Motion> motions = new ArrayList<>(BASE);
    motions.addAll(NOVEL);
    List<String> names = motions.stream().map(ShapesClipSource::motionClass).toList();

    ShapesWorld world = new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(64).withObjects(1, 1));
    List<ShapesClip> clips = new ArrayList<>();
    int[] perMotion = new int[motions.size()];
    for (long i = 0; clips.size() < PER_MOTION * motions.size(); i++) {
      ShapesClip c = world.clip(Split.TEST, i);
      int k = motions.indexOf(c.motion());
      if (k >= 0 && perMotion[k] < PER_MOTION) {
        perMotion[k]++;
        clips.add(c);
      }
    }
    int[] labels = clips.stream().mapToInt(c -> motions.indexOf(c.motion())).toArray();
    List<Video> videos = clips.stream().map(c -> ShapesClipSource.video(c, "shapes-clips:test:" + c.index())).toList();

    Map<String, Scores> rows = new LinkedHashMap<>();
    double soundCosine;
    int[][] confusion = new int[motions.size()][motions.size()];
    try (LoadedModel lm = Models.load(modelDir); NoGrad ng = NoGrad.open()) {
      lm.module().train(false);
      Mov mov = lm.as(Mov.class);
      PreprocessConfig pre = lm.preprocess();
      ModelInputs inputs = new ModelInputs(new EvalTransform(pre), lm::tokenizer, 50);
      log.accept("  MOV on " + clips.size() + " held-out clips: flow and spectrograms, then the fused embeddings");
      float[][][] fused = fusedEmbeddings(mov, inputs, videos);
      float[][] prompts = ensemble(inputs, mov, motions);
      rows.put(MOV, scores(fused[0], prompts, labels, confusion));
      rows.put("MOV without the sound: RGB + flow", scores(fused[1], prompts, labels, null));
      rows.put("MOV, classes by name alone (\"something moves up\")", scores(fused[0], inputs.embedTexts(mov, names), labels, null));
      double cos = 0;
      for (int i = 0; i < clips.size(); i++) for (int d = 0; d < fused[0][i].length; d++) cos += fused[0][i][d] * fused[1][i][d] / clips.size();
      soundCosine = cos;
      log.accept(String.format(Locale.ROOT, "  mean cosine between a clip's embedding with and without its sound: %.4f", cos));
    }
    try (LoadedModel start = Models.load(startDir); NoGrad ng = NoGrad.open()) {
      start.module().train(false);
      ContrastiveModel cm = start.require(Capability.IMAGE_TEXT_SIMILARITY);
      ModelInputs inputs = new ModelInputs(new EvalTransform(start.preprocess()), start::tokenizer, 50);
      float[][] rgb = inputs.embedVideos(start.require(Capability.VIDEO_EMBEDDING), videos);
      rows.put(ZERO_SHOT, scores(rgb, ensemble(inputs, cm, motions), labels, null));
      rows.put("frozen OmniVL zero-shot (RGB only), classes by name alone", scores(rgb, inputs.embedTexts(cm, names), labels, null));
    }
    rows.put("chance", new Scores(1.0 / BASE.size(), 1.0 / NOVEL.size(), 1.0 / motions.size()));
    return report(out, trained, rows, confusion, motions, clips.size(), soundCosine, log);
  }

  /** [0] the full fused embeddings [N][E], [1] without the sound; both normalised. */
  private static float[][][] fusedEmbeddings(Mov mov, ModelInputs inputs, List<Video> videos) {
    float[][] full = new float[videos.size()][], silent = new float[videos.size()][];
    for (int from = 0; from < videos.size(); from += inputs.batchSize()) {
      List<Video> chunk = videos.subList(from, Math.min(videos.size(), from + inputs.batchSize()));
      try (NDManager nm = NDManager.newBaseManager(); NDScope scope = new NDScope()) {     // intermediates live in the weights' manager
        NDArray clips = inputs.clipPixels(nm, chunk, mov.frames());
        NDArray flow = MovInputs.flow(clips, mov.config());
        NDArray audio = MovInputs.audio(chunk.stream().map(Video::sound).toList(), mov.imageSize(), nm);
        ModelInputs.copyRows(Ops.l2Normalize(mov.videoFeatures(clips, flow, audio)), full, from);
        ModelInputs.copyRows(Ops.l2Normalize(mov.videoFeatures(clips, flow, null)), silent, from);
      }
    }
    return new float[][][] {full, silent};
  }

  /** Each motion's text embedding averaged over "a <colour> <shape> <motion>" for every colour×shape (OmniVL's quickstart's). */
  private static float[][] ensemble(ModelInputs inputs, dev.vlt.models.TextEmbedding text, List<Motion> motions) {
    List<float[][]> per = new ArrayList<>();
    for (Motion m : motions) per.add(inputs.embedTexts(text, ShapesWorld.motionPrompts(m)));
    return ZeroShot.classifier(per);
  }

  private static Scores scores(float[][] x, float[][] classifier, int[] labels, int[][] confusion) {
    int nb = BASE.size(), all = nb + NOVEL.size();
    return new Scores(top1(x, classifier, labels, 0, nb, null), top1(x, classifier, labels, nb, all, null),
        top1(x, classifier, labels, 0, all, confusion));
  }

  /** Top-1 over the clips whose label is in [lo, hi), choosing among those classes only. */
  private static double top1(float[][] x, float[][] classifier, int[] labels, int lo, int hi, int[][] confusion) {
    double[][] logits = ZeroShot.logits(x, classifier, 1.0);
    int n = 0, ok = 0;
    for (int i = 0; i < x.length; i++) {
      if (labels[i] < lo || labels[i] >= hi) continue;
      int best = lo;
      for (int k = lo + 1; k < hi; k++) if (logits[i][k] > logits[i][best]) best = k;
      n++;
      if (best == labels[i]) ok++;
      if (confusion != null) confusion[labels[i]][best]++;
    }
    return (double) ok / n;
  }

  private Evaluation report(Path out, TrainConfig trained, Map<String, Scores> rows, int[][] confusion, List<Motion> motions,
      int clips, double soundCosine, Consumer<String> log) throws IOException {
    boolean unfrozen = "mov-unfrozen".equals(trained.task());
    Scores mov = rows.get(MOV);
    Scores zs = rows.get(ZERO_SHOT);
    Scores chance = rows.get("chance");
    List<List<String>> table = new ArrayList<>();
    Map<String, Double> measures = new LinkedHashMap<>();
    rows.forEach((name, s) -> {
      table.add(List.of(name, pct(s.base()), pct(s.novel()), pct(s.harmonic()), pct(s.all())));
      if (!name.equals("chance")) {
        log.accept(String.format(Locale.ROOT, "  %s: base %s, novel %s (harmonic mean %s), all six %s", name, pct(s.base()),
            pct(s.novel()), pct(s.harmonic()), pct(s.all())));
        measures.put(name + ": base", s.base());
        measures.put(name + ": novel", s.novel());
        measures.put(name + ": all six", s.all());
      }
    });
    HtmlReport html = new HtmlReport("vlt quickstart --system mov: " + description());
    html.section("how it was trained").paragraph("The starting model: " + START_MODEL + " trained by UniVLC for " + START_STEPS
        + " steps of " + BATCH + " ShapesWorld clip-caption pairs (one object that moves, grows, shrinks or changes colour; "
        + "captions only, no labels). MOV: " + MODEL + " over it, " + trained.steps() + " steps of " + trained.batchSize()
        + " labelled clips of the base motions " + BASE.stream().map(ShapesClipSource::motionClass).toList() + ", seed "
        + trained.seed() + ", task " + trained.task() + (unfrozen ? " (RGB and text towers trained too: the ablation)"
            : " (RGB tower, projection, text tower and temperature frozen)") + ". Loss: cross-entropy of the fused embedding's "
        + "scaled cosines over the base classes' text embeddings, each the mean over \"a <colour> <shape> <motion>\" for the "
        + "42 colour×shape classes (the captions' words). Flow: Horn-Schunck between consecutive frames; sound: "
        + "log-mel spectrogram of the clip's 1 s track (pitch from the shape, timbre from the colour, glide, beat or swell "
        + "from the motion).");
    html.section("held-out clips: base and novel classes").paragraph(clips + " clips of the test split (colour×shape "
        + "combinations no training clip shows), " + PER_MOTION + " per motion. Base: the base clips among the 3 base class "
        + "names; novel: the novel clips (" + NOVEL.stream().map(ShapesClipSource::motionClass).toList() + ", never trained "
        + "on) among the 3 novel classes; all: every clip among all six. Classes as in training: \"a <colour> <shape> <motion>\" "
        + "averaged over the 42 colour×shape classes (a prompt ensemble); by name alone: \"something moves up\".")
        .table("top-1", List.of("model", "base (3-way)", "novel (3-way)", "harmonic mean", "all six"), table);
    List<List<String>> conf = new ArrayList<>();
    for (int a = 0; a < motions.size(); a++) {
      List<String> row = new ArrayList<>(List.of(motions.get(a).verb() + (a < BASE.size() ? " (base)" : " (novel)")));
      for (int b = 0; b < motions.size(); b++) row.add(String.valueOf(confusion[a][b]));
      conf.add(row);
    }
    List<String> header = new ArrayList<>(List.of("true \\ predicted"));
    motions.forEach(m -> header.add(m.verb()));
    html.table("MOV's confusion over all six", header, conf);
    String sound = String.format(Locale.ROOT, "mean cosine between a held-out clip's MOV embedding with and without its sound: %.4f",
        soundCosine);
    html.paragraph(sound);
    measures.put("cosine with vs without sound", soundCosine);
    Path report = out.resolve("report.html");
    html.write(report);
    String base = "held-out clips, base motions (3-way): MOV top-1", novel = "held-out clips, novel motions (3-way, named only at test time): MOV top-1",
        all = "held-out clips, all six motions: MOV top-1";
    List<Figure> figures = List.of(
        new Figure(base, mov.base(), ZERO_SHOT, zs.base()),
        new Figure(base, mov.base(), "chance", chance.base()),
        new Figure(novel, mov.novel(), ZERO_SHOT, zs.novel()),
        new Figure(novel, mov.novel(), "chance", chance.novel()),
        new Figure(all, mov.all(), ZERO_SHOT, zs.all()));
    return new Evaluation(figures, List.of(sound), report, measures);
  }
}
