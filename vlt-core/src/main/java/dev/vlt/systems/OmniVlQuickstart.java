package dev.vlt.systems;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlt.data.image.EvalTransform;
import dev.vlt.data.image.PreprocessConfig;
import dev.vlt.data.image.Raster8;
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
import dev.vlt.models.VideoEmbedding;
import dev.vlt.report.HtmlReport;
import dev.vlt.tensor.NoGrad;
import dev.vlt.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * OmniVL's quickstart: omnivl-shapes-small (a divided space-time ViT and a text tower) trained by UniVLC on ShapesWorld
 * clips of one object that moves left, right, up or down, grows, shrinks or changes colour, captioned "a green triangle
 * moves to the right". Evaluated on held-out clips — the test split, whose colour×shape combinations no training clip
 * shows — by zero-shot classification over the six motions (each motion's prompts averaged over every colour×shape, so
 * the object is not given) and video-text retrieval. Controls: the same clips with their frames shuffled (a model that
 * uses frame order must fall towards chance on direction and growth), and the clip's middle frame alone as an image.
 */
final class OmniVlQuickstart implements QuickstartSystem {
  static final String MODEL = "omnivl-shapes-small";
  /** UniVLC's mixture: video-text pairs, and the same world's clips as video-label data (labelled by their motion). */
  static final String DATA = ShapesClipSource.NAME + "+" + ShapesClipSource.MOTIONS;
  static final int STEPS = 700;
  static final int BATCH = 32;
  static final int CLIPS = 600;
  static final int RETRIEVAL = 200;
  static final List<Motion> MOTIONS = List.of(Motion.MOVE_LEFT, Motion.MOVE_RIGHT, Motion.MOVE_UP, Motion.MOVE_DOWN,
      Motion.GROW, Motion.SHRINK);

  @Override
  public String name() {
    return "omnivl";
  }

  @Override
  public String description() {
    return "OmniVL (omnivl-shapes-small: divided space-time ViT + text tower) trained by UniVLC on ShapesWorld clips; "
        + "zero-shot over six motions and video-text retrieval on held-out clips, against a frame-shuffled control";
  }

  @Override
  public TrainConfig trainConfig(long seed, Long steps) {
    long n = steps != null ? steps : STEPS;
    ObjectNode c = new ObjectMapper().createObjectNode().put("model", MODEL).put("data", DATA)
        .put("seed", seed).put("task", "univlc").put("captions", "first").put("crop_scale", 1.0).put("batch_size", BATCH)
        .put("steps", n).put("train_num_samples", BATCH * Math.max(1, n / 4)).put("lr", 1e-3)
        .put("warmup", Math.min(50, n / 10)).put("shapes_objects", 1);
    return TrainConfig.fromJson(c);
  }

  @Override
  public Evaluation evaluate(Path modelDir, Path out, long seed, Consumer<String> log) throws IOException {
    try (LoadedModel lm = Models.load(modelDir); NoGrad ng = NoGrad.open()) {
      lm.module().train(false);
      VideoEmbedding video = lm.require(Capability.VIDEO_EMBEDDING);
      ContrastiveModel contrastive = lm.require(Capability.IMAGE_TEXT_SIMILARITY);
      PreprocessConfig pre = lm.preprocess();
      ModelInputs inputs = new ModelInputs(new EvalTransform(pre), lm.tokenizer(), 32);
      ShapesWorld world = new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(pre.imageSize()).withObjects(1, 1));

      List<ShapesClip> clips = new ArrayList<>();
      for (long i = 0; clips.size() < CLIPS; i++) {
        ShapesClip c = world.clip(Split.TEST, i);
        if (MOTIONS.contains(c.motion())) clips.add(c);
      }
      int[] labels = clips.stream().mapToInt(c -> MOTIONS.indexOf(c.motion())).toArray();
      List<Video> ordered = new ArrayList<>(), shuffled = new ArrayList<>();
      List<Raster8> middle = new ArrayList<>();
      SplittableRandom rng = new SplittableRandom(seed ^ 0x5F1E);
      for (ShapesClip c : clips) {
        Video v = ShapesClipSource.video(c, "shapes-clips:test:" + c.index());
        ordered.add(v);
        shuffled.add(new Video(v.source() + " (shuffled)", shuffle(v.frames(), rng)));
        middle.add(v.frames().get(v.length() / 2));
      }
      log.accept("  embedding " + clips.size() + " held-out clips, their frame-shuffled copies and their middle frames");
      float[][] vOrdered = inputs.embedVideos(video, ordered);
      float[][] vShuffled = inputs.embedVideos(video, shuffled);
      float[][] vMiddle = inputs.embedImages(contrastive, middle);
      List<float[][]> perMotion = new ArrayList<>();
      for (Motion m : MOTIONS) perMotion.add(inputs.embedTexts(contrastive, ShapesWorld.motionPrompts(m)));
      float[][] classifier = ZeroShot.classifier(perMotion);
      int[][] confusion = new int[MOTIONS.size()][MOTIONS.size()];
      double accOrdered = accuracy(vOrdered, classifier, labels, confusion);
      double accShuffled = accuracy(vShuffled, classifier, labels, null);
      double accMiddle = accuracy(vMiddle, classifier, labels, null);
      double chance = 1.0 / MOTIONS.size();

      // video-text retrieval among the first RETRIEVAL clips: a hit is a clip whose first caption is the query's
      List<String> captions = clips.subList(0, RETRIEVAL).stream().map(ShapesClip::caption).toList();
      float[][] texts = inputs.embedTexts(contrastive, captions);
      double[] t2v = recall(texts, java.util.Arrays.copyOf(vOrdered, RETRIEVAL), captions);
      double[] t2vShuffled = recall(texts, java.util.Arrays.copyOf(vShuffled, RETRIEVAL), captions);
      double retrievalChance = sameCaptionChance(captions);

      HtmlReport html = new HtmlReport("vlt quickstart --system omnivl: " + description());
      html.section("zero-shot: what happens in the clip").paragraph(clips.size() + " clips of the test split (held-out "
          + "colour×shape combinations, one object each), 100+ per motion. Each motion's classifier averages the text "
          + "embeddings of \"a <colour> <shape> <motion>\" over all 42 colour×shape classes. Controls: the same clips with "
          + "their 8 frames in a random order other than the true one, and the middle frame alone as an image.");
      html.table("six-way motion classification", List.of("input", "top-1", "chance"), List.of(
          List.of("clips, frames in order", f(accOrdered), f(chance)),
          List.of("the same clips, frames shuffled", f(accShuffled), f(chance)),
          List.of("the middle frame alone (image)", f(accMiddle), f(chance))));
      List<List<String>> rows = new ArrayList<>();
      for (int a = 0; a < MOTIONS.size(); a++) {
        List<String> row = new ArrayList<>(List.of(MOTIONS.get(a).verb()));
        for (int b = 0; b < MOTIONS.size(); b++) row.add(String.valueOf(confusion[a][b]));
        rows.add(row);
      }
      List<String> header = new ArrayList<>(List.of("true \\ predicted"));
      MOTIONS.forEach(m -> header.add(m.verb()));
      html.table("confusion (frames in order)", header, rows);
      html.section("video-text retrieval").table("text → video among " + RETRIEVAL + " held-out clips (a hit: a clip with the "
          + "query's caption)", List.of("clips", "R@1", "R@5", "R@1 chance"), List.of(
          List.of("frames in order", f(t2v[0]), f(t2v[1]), f(retrievalChance)),
          List.of("frames shuffled", f(t2vShuffled[0]), f(t2vShuffled[1]), f(retrievalChance))));
      Path report = out.resolve("report.html");
      html.write(report);
      log.accept(String.format(Locale.ROOT, "  zero-shot over six motions: %.3f in order, %.3f shuffled, %.3f middle frame "
          + "(chance %.3f); text→video R@1 %.3f (chance %.3f)", accOrdered, accShuffled, accMiddle, chance, t2v[0], retrievalChance));
      List<Figure> figures = List.of(
          new Figure("held-out clips: zero-shot top-1 over six motions", accOrdered, "chance", chance),
          new Figure("held-out clips: zero-shot top-1 over six motions", accOrdered, "same clips, frames shuffled", accShuffled),
          new Figure("held-out clips: zero-shot top-1 over six motions", accOrdered, "middle frame alone", accMiddle),
          new Figure("held-out clips: text→video R@1 (200 clips)", t2v[0], "chance", retrievalChance),
          new Figure("held-out clips: text→video R@1 (200 clips)", t2v[0], "frames shuffled", t2vShuffled[0]));
      return new Evaluation(figures, List.of(), report);
    }
  }

  /** The frames in a random order other than the given one. */
  static List<Raster8> shuffle(List<Raster8> frames, SplittableRandom rng) {
    int n = frames.size();
    int[] p = new int[n];
    boolean identity = true;
    while (identity) {
      for (int i = 0; i < n; i++) p[i] = i;
      for (int i = n - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      for (int i = 0; i < n && identity; i++) identity = p[i] == i;
    }
    List<Raster8> out = new ArrayList<>(n);
    for (int i : p) out.add(frames.get(i));
    return out;
  }

  private static double accuracy(float[][] x, float[][] classifier, int[] labels, int[][] confusion) {
    double[][] logits = ZeroShot.logits(x, classifier, 1.0);
    int ok = 0;
    for (int i = 0; i < x.length; i++) {
      int best = 0;
      for (int k = 1; k < logits[i].length; k++) if (logits[i][k] > logits[i][best]) best = k;
      if (best == labels[i]) ok++;
      if (confusion != null) confusion[labels[i]][best]++;
    }
    return (double) ok / x.length;
  }

  /** Text→video recall at 1 and 5, where any clip whose caption equals the query's counts as a hit. */
  private static double[] recall(float[][] texts, float[][] videos, List<String> captions) {
    double[][] s = ZeroShot.logits(texts, videos, 1.0);
    int r1 = 0, r5 = 0;
    for (int q = 0; q < texts.length; q++) {
      Integer[] order = new Integer[videos.length];
      for (int k = 0; k < order.length; k++) order[k] = k;
      final int qq = q;
      java.util.Arrays.sort(order, (a, b) -> Double.compare(s[qq][b], s[qq][a]));
      for (int k = 0; k < 5; k++) {
        if (captions.get(order[k]).equals(captions.get(q))) {
          if (k == 0) r1++;
          r5++;
          break;
        }
      }
    }
    return new double[] {(double) r1 / texts.length, (double) r5 / texts.length};
  }

  /** R@1 of a random ranking: the mean share of clips that carry the query's caption. */
  private static double sameCaptionChance(List<String> captions) {
    Map<String, Integer> counts = new HashMap<>();
    captions.forEach(c -> counts.merge(c, 1, Integer::sum));
    return captions.stream().mapToDouble(c -> (double) counts.get(c) / captions.size()).average().orElse(0);
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
