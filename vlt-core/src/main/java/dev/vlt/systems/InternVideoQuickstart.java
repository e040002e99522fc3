package dev.vlt.systems;

import static dev.vlt.systems.Quickstart.pct;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.shapes.ShapesClipSource;
import dev.vlt.data.shapes.Split;
import dev.vlt.eval.Labeled;
import dev.vlt.eval.LinearProbe;
import dev.vlt.infer.ModelInputs;
import dev.vlt.models.LoadedModel;
import dev.vlt.models.Models;
import dev.vlt.models.internvideo.InternVideo;
import dev.vlt.models.internvideo.InternVideo.VideoPath;
import dev.vlt.report.HtmlReport;
import dev.vlt.tensor.NoGrad;
import dev.vlt.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code vlt quickstart --system internvideo}: InternVideo's three stages on ShapesWorld clips of one object that moves,
 * grows or shrinks, captioned "a green triangle moves to the right". First the masked-video backbone (VideoMAE, 75 % of
 * the tubes masked) on the clips alone; then the video-language backbone (an OmniVL dual encoder with CoCa's caption
 * decoder) on clip-caption pairs by contrastive + captioning loss (each a {@link Stage}, reused when finished with the
 * same settings); then the cross-model attention with both frozen, by UniVLC on those pairs mixed with the same world's
 * clips labelled by their motion (OmniVL's quickstart data) plus each clip's reverse as a hard negative for its own text. Evaluated on held-out clips (the test split:
 * colour×shape combinations no training clip shows) for the fused model, the video-language backbone alone and the
 * masked-video backbone alone: zero-shot over the six motions and text→video R@1, and a linear probe of each one's
 * frozen features (the masked-video backbone has no text side: its zero-shot goes through the cross-model attention with
 * the video-language tokens zeroed, its probe reads its mean token); each in order and with the frames shuffled.
 */
final class InternVideoQuickstart implements QuickstartSystem {
  static final String MODEL = "internvideo-shapes-small";
  /**
   * Steps of {@link #BATCH} per stage, from the 10-minute budget on 2 cores. Timed quiet, seed 0: masked-video 300 steps
   * 1.4-1.5 min (JVM start and tokenizer included), video-language about 0.8 s a step (its caption decoder reads all 136
   * video tokens), the fusion about 0.55 s (both backbones forward twice, the clip and its reverse), evaluation 0.8 min.
   * 500/300 took 11.8 min and 450/150 10.9 min; 300/200 takes 8.9 min, and its video-language backbone is weaker and
   * blind to frame order (README, the internvideo row).
   */
  static final long MVM_STEPS = 300;
  static final long VL_STEPS = 300;
  static final long FUSION_STEPS = 200;
  /** The fusion stage's data, as OmniVL's quickstart: clip-caption pairs mixed with the same world's clips labelled by motion. */
  static final String FUSION_DATA = ShapesClipSource.NAME + "+" + ShapesClipSource.MOTIONS;
  /** The fusion stage's weight of each clip's reverse as a hard negative for its own text (UniVLC's time_order term). */
  static final double TIME_ORDER = 1.0;
  static final int BATCH = 32;
  static final int CLIPS = 600;
  static final int PROBE_CLIPS = 600;
  static final int RETRIEVAL = 200;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<VideoPath, String> NAMES = Map.of(
      VideoPath.FUSED, "fused (cross-model attention over both)",
      VideoPath.VIDEO_LANGUAGE, "video-language backbone alone",
      VideoPath.MASKED_VIDEO_VIA_FUSION, "masked-video backbone alone (through the fusion, video-language tokens zeroed)",
      VideoPath.MASKED_VIDEO_POOLED, "masked-video backbone alone (its mean token)");

  @Override
  public String name() {
    return "internvideo";
  }

  @Override
  public String description() {
    return "InternVideo (internvideo-shapes-small): a VideoMAE backbone and a video-text contrastive + captioning backbone "
        + "trained on ShapesWorld clips, then cross-model attention with both frozen; zero-shot over six motions, "
        + "text→video retrieval and linear probes on held-out clips for the fused model and each backbone alone, against "
        + "chance and a frame-shuffled control";
  }

  @Override
  public TrainConfig trainConfig(long seed, Long steps) {
    throw new IllegalArgumentException("the internvideo quickstart first trains both backbones: run it with vlt quickstart "
        + "--system internvideo (or vlt train --model " + MODEL + " --task internvideo --init-from BACKBONES_FOLDER --tokenizer "
        + "BACKBONES_FOLDER --data shapes-clips)");
  }

  @Override
  public TrainConfig prepare(Path out, long seed, Long steps, String data, Consumer<String> log) throws IOException {
    if (data != null) throw new IllegalArgumentException("--data: the internvideo quickstart trains only on its ShapesWorld clips");
    long t0 = System.nanoTime();
    Path mvm = Stage.trained(out.resolve("mvm").resolve("train"), settings(seed, "internvideo-mvm", MVM_STEPS, 1.5e-3, null),
        "0/2 the masked-video backbone (VideoMAE, " + MVM_STEPS + " steps of " + BATCH + " clips)", log);
    long t1 = System.nanoTime();
    Path vl = Stage.trained(out.resolve("vl").resolve("train"), settings(seed, "internvideo-vl", VL_STEPS, 1e-3, mvm),
        "0/2 the video-language backbone (contrastive + captioning, " + VL_STEPS + " steps of " + BATCH + " clip-caption pairs)", log);
    log.accept(String.format(Locale.ROOT, "  stages: masked-video %.1f min, video-language %.1f min", (t1 - t0) / 60e9,
        (System.nanoTime() - t1) / 60e9));
    ObjectNode fusion = settings(seed, "internvideo", steps != null ? steps : FUSION_STEPS, 1e-3, vl)
        .put("tokenizer", vl.toAbsolutePath().toString()).put("data", FUSION_DATA);
    fusion.putObject("loss_weights").put("time_order", TIME_ORDER);
    return TrainConfig.fromJson(fusion);
  }

  /** One stage's run on clip-caption pairs, started from the model folder {@code from} (null: fresh). */
  static ObjectNode settings(long seed, String task, long steps, double lr, Path from) {
    ObjectNode c = JSON.createObjectNode().put("model", MODEL).put("data", ShapesClipSource.NAME).put("task", task)
        .put("seed", seed).put("captions", "first").put("crop_scale", 1.0).put("batch_size", BATCH).put("steps", steps)
        .put("train_num_samples", BATCH * Math.max(1, steps / 4)).put("lr", lr).put("warmup", Math.min(50, steps / 10))
        .put("shapes_objects", 1).put("zeroshot_frequency", 0).put("save_frequency", 1000).put("log_every_n_steps", 100);
    if (from != null) c.put("init_from", from.toAbsolutePath().toString());
    return c;
  }

  /** One embedding path's figures. */
  record Scores(double zeroShot, double zeroShotShuffled, double r1, double r1Shuffled, double spread) {}

  /**
   * The mean cosine between two different held-out clips' embeddings (normalised rows): near 1 when a path embeds every
   * clip alike, whatever it shows.
   */
  static double meanPairCosine(float[][] x) {
    double[] sum = new double[x[0].length];
    for (float[] row : x) for (int d = 0; d < row.length; d++) sum[d] += row[d];
    double all = 0;
    for (double v : sum) all += v * v;                                            // Σ_ij ⟨x_i, x_j⟩, the diagonal n·1
    return (all - x.length) / ((double) x.length * (x.length - 1));
  }

  /** A linear probe's test top-1 on the held-out clips in order and shuffled (fitted on training clips in order). */
  record Probe(double ordered, double shuffled) {}

  @Override
  public Evaluation evaluate(Path modelDir, Path out, long seed, Consumer<String> log) throws IOException {
    MotionClips.Set test = MotionClips.of(Split.TEST, CLIPS, 64, seed);
    MotionClips.Set train = MotionClips.of(Split.TRAIN, PROBE_CLIPS, 64, seed + 1);
    List<String> captions = test.captions(RETRIEVAL);
    Map<VideoPath, Scores> scores = new LinkedHashMap<>();
    Map<VideoPath, Probe> probes = new LinkedHashMap<>();
    int[][] confusion = new int[MotionClips.MOTIONS.size()][MotionClips.MOTIONS.size()];
    try (LoadedModel lm = Models.load(modelDir); NoGrad ng = NoGrad.open()) {
      lm.module().train(false);
      InternVideo model = lm.as(InternVideo.class);
      if (model.imageSize() != 64) throw new IllegalArgumentException("the internvideo quickstart evaluates 64-px clips, the model takes " + model.imageSize());
      ModelInputs inputs = new ModelInputs(new EvalTransform(lm.preprocess()), lm.tokenizer(), 32);
      float[][] classifier = MotionClips.classifier(inputs, model);
      float[][] texts = inputs.embedTexts(model, captions);
      for (VideoPath path : VideoPath.values()) {
        log.accept("  " + NAMES.get(path) + ": " + CLIPS + " held-out clips in order and shuffled, " + PROBE_CLIPS + " training clips");
        float[][] ordered = inputs.embedVideos(model.view(path), test.ordered());
        float[][] shuffled = inputs.embedVideos(model.view(path), test.shuffled());
        if (path != VideoPath.MASKED_VIDEO_POOLED) {
          scores.put(path, new Scores(MotionClips.accuracy(ordered, classifier, test.labels(), path == VideoPath.FUSED ? confusion : null),
              MotionClips.accuracy(shuffled, classifier, test.labels(), null), MotionClips.recall(texts, ordered, captions)[0],
              MotionClips.recall(texts, shuffled, captions)[0], meanPairCosine(ordered)));
        }
        if (path != VideoPath.MASKED_VIDEO_VIA_FUSION) {
          float[][] fit = inputs.embedVideos(model.view(path), train.ordered());
          probes.put(path, probe(fit, train.labels(), ordered, shuffled, test.labels(), seed));
        }
      }
    }
    return report(out, scores, probes, confusion, MotionClips.sameCaptionChance(captions), log);
  }

  private static Probe probe(float[][] fit, int[] fitLabels, float[][] ordered, float[][] shuffled, int[] labels, long seed) {
    LinearProbe.Config cfg = new LinearProbe.Config(0.2, seed, 100, 1e-4);
    Labeled train = new Labeled(fit, fitLabels);
    List<String> names = MotionClips.verbs();
    return new Probe(LinearProbe.evaluate(train, new Labeled(ordered, labels), names, cfg).testAccuracy(),
        LinearProbe.evaluate(train, new Labeled(shuffled, labels), names, cfg).testAccuracy());
  }

  private Evaluation report(Path out, Map<VideoPath, Scores> scores, Map<VideoPath, Probe> probes, int[][] confusion,
      double retrievalChance, Consumer<String> log) {
    double chance = 1.0 / MotionClips.MOTIONS.size();
    HtmlReport html = new HtmlReport("vlt quickstart --system internvideo: " + description());
    html.section("zero-shot and retrieval: what happens in the clip").paragraph(CLIPS + " clips of the test split (held-out "
        + "colour×shape combinations, one object each). Each motion's classifier averages the frozen text tower's embeddings "
        + "of \"a <colour> <shape> <motion>\" over all 42 colour×shape classes; text→video R@1 among the first " + RETRIEVAL
        + " clips, any clip with the query's caption a hit. Shuffled: the same clips with their 8 frames in a random order "
        + "other than the true one. The masked-video backbone has no text side: it reaches the joint space only through the "
        + "cross-model attention, here with the video-language frame tokens replaced by zeros (an input the fusion never "
        + "trained on).");
    List<List<String>> rows = new ArrayList<>();
    Map<String, Double> measures = new LinkedHashMap<>();
    scores.forEach((path, s) -> {
      rows.add(List.of(NAMES.get(path), pct(s.zeroShot()), pct(s.zeroShotShuffled()), pct(s.r1()), pct(s.r1Shuffled()),
          String.format(Locale.ROOT, "%.3f", s.spread())));
      String k = path.name().toLowerCase(Locale.ROOT);
      measures.put(k + " zero-shot in order", s.zeroShot());
      measures.put(k + " zero-shot shuffled", s.zeroShotShuffled());
      measures.put(k + " text→video R@1 in order", s.r1());
      measures.put(k + " text→video R@1 shuffled", s.r1Shuffled());
      measures.put(k + " mean cosine between two clips", s.spread());
    });
    rows.add(List.of("chance", pct(chance), pct(chance), pct(retrievalChance), pct(retrievalChance), ""));
    html.table("six-way zero-shot and text→video R@1", List.of("model", "zero-shot, in order", "zero-shot, shuffled",
        "R@1, in order", "R@1, shuffled", "mean cosine between two clips (in order)"), rows);
    List<List<String>> conf = new ArrayList<>();
    List<String> verbs = MotionClips.verbs();
    for (int a = 0; a < verbs.size(); a++) {
      List<String> row = new ArrayList<>(List.of(verbs.get(a)));
      for (int b = 0; b < verbs.size(); b++) row.add(String.valueOf(confusion[a][b]));
      conf.add(row);
    }
    List<String> header = new ArrayList<>(List.of("true \\ predicted"));
    header.addAll(verbs);
    html.table("the fused model's zero-shot confusion (frames in order)", header, conf);

    html.section("linear probes of frozen features").paragraph("A six-way logistic regression (L-BFGS, C chosen on a fifth of "
        + "the fit set) on " + PROBE_CLIPS + " training clips in order, scored on the " + CLIPS + " held-out clips in order and "
        + "shuffled: how much of the motion, and of its direction, each model's features carry, whatever the text side.");
    List<List<String>> probeRows = new ArrayList<>();
    probes.forEach((path, p) -> {
      probeRows.add(List.of(NAMES.get(path), pct(p.ordered()), pct(p.shuffled())));
      String k = path.name().toLowerCase(Locale.ROOT);
      measures.put(k + " probe in order", p.ordered());
      measures.put(k + " probe shuffled", p.shuffled());
    });
    probeRows.add(List.of("chance", pct(chance), pct(chance)));
    html.table("linear probe top-1 over six motions", List.of("features", "in order", "shuffled"), probeRows);
    Path report = out.resolve("report.html");
    html.write(report);

    Scores fused = scores.get(VideoPath.FUSED), vl = scores.get(VideoPath.VIDEO_LANGUAGE), mvm = scores.get(VideoPath.MASKED_VIDEO_VIA_FUSION);
    Probe mvmProbe = probes.get(VideoPath.MASKED_VIDEO_POOLED);
    log.accept(String.format(Locale.ROOT, "  zero-shot over six motions, in order / shuffled: fused %.3f / %.3f, video-language "
        + "alone %.3f / %.3f, masked-video via fusion %.3f / %.3f (chance %.3f)", fused.zeroShot(), fused.zeroShotShuffled(),
        vl.zeroShot(), vl.zeroShotShuffled(), mvm.zeroShot(), mvm.zeroShotShuffled(), chance));
    log.accept(String.format(Locale.ROOT, "  text→video R@1: fused %.3f / %.3f, video-language alone %.3f / %.3f, masked-video "
        + "via fusion %.3f / %.3f (chance %.3f)", fused.r1(), fused.r1Shuffled(), vl.r1(), vl.r1Shuffled(), mvm.r1(),
        mvm.r1Shuffled(), retrievalChance));
    log.accept(String.format(Locale.ROOT, "  mean cosine between two held-out clips' embeddings: fused %.3f, video-language alone %.3f, "
        + "masked-video via fusion %.3f", fused.spread(), vl.spread(), mvm.spread()));
    log.accept(String.format(Locale.ROOT, "  linear probes, in order / shuffled: fused %.3f / %.3f, video-language %.3f / %.3f, "
        + "masked-video %.3f / %.3f", probes.get(VideoPath.FUSED).ordered(), probes.get(VideoPath.FUSED).shuffled(),
        probes.get(VideoPath.VIDEO_LANGUAGE).ordered(), probes.get(VideoPath.VIDEO_LANGUAGE).shuffled(), mvmProbe.ordered(),
        mvmProbe.shuffled()));
    String zs = "held-out clips: zero-shot top-1 over six motions", r1 = "held-out clips: text→video R@1 (" + RETRIEVAL + " clips)";
    List<Figure> figures = List.of(
        new Figure(zs + ", fused", fused.zeroShot(), "chance", chance),
        new Figure(zs + ", fused", fused.zeroShot(), "video-language backbone alone", vl.zeroShot()),
        new Figure(zs + ", fused", fused.zeroShot(), "fused, frames shuffled", fused.zeroShotShuffled()),
        new Figure(zs + ", video-language backbone alone", vl.zeroShot(), "chance", chance),
        new Figure(zs + ", masked-video backbone through the fusion", mvm.zeroShot(), "chance", chance),
        new Figure(r1 + ", fused", fused.r1(), "chance", retrievalChance),
        new Figure(r1 + ", fused", fused.r1(), "video-language backbone alone", vl.r1()),
        new Figure(r1 + ", fused", fused.r1(), "fused, frames shuffled", fused.r1Shuffled()),
        new Figure("held-out clips: linear probe over six motions, masked-video backbone", mvmProbe.ordered(), "chance", chance),
        new Figure("held-out clips: linear probe over six motions, masked-video backbone", mvmProbe.ordered(), "frames shuffled",
            mvmProbe.shuffled()));
    return new Evaluation(figures, List.of(), report, measures);
  }
}
