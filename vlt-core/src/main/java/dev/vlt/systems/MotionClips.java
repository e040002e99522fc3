package dev.vlt.systems;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
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
import dev.vlt.models.TextEmbedding;
import dev.vlt.models.caption.CaptionModel;
import dev.vlt.models.caption.Decoding;
import dev.vlt.models.caption.Generator;
import dev.vlt.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The video quickstarts' evaluation on ShapesWorld clips of one object that moves left, right, up or down, grows or
 * shrinks: held-out clips with frame-shuffled copies (a model that uses frame order must fall towards chance on direction
 * and growth), zero-shot over the six motions with prompts averaged over every colour×shape (so the object is not
 * given), and text→video retrieval where any clip carrying the query's caption is a hit. OmniVL's and InternVideo's
 * quickstarts share it.
 */
final class MotionClips {
  static final List<Motion> MOTIONS = List.of(Motion.MOVE_LEFT, Motion.MOVE_RIGHT, Motion.MOVE_UP, Motion.MOVE_DOWN,
      Motion.GROW, Motion.SHRINK);

  /**
   * The first {@code count} clips of {@code split} that show one of the six {@link #MOTIONS}, their motion labels, the
   * clips as videos in order, and the same clips with their frames in a random order other than the true one.
   */
  record Set(List<ShapesClip> clips, int[] labels, List<Video> ordered, List<Video> shuffled) {
    /** The first {@code n} clips' captions (one each). */
    List<String> captions(int n) {
      return clips.subList(0, n).stream().map(ShapesClip::caption).toList();
    }
  }

  private MotionClips() {}

  /** {@code count} clips of {@code split} at {@code imageSize} px; {@code seed} fixes the shuffles. */
  static Set of(Split split, int count, int imageSize, long seed) {
    ShapesWorld world = new ShapesWorld(ShapesWorldConfig.defaults().withImageSize(imageSize).withObjects(1, 1));
    List<ShapesClip> clips = new ArrayList<>();
    for (long i = 0; clips.size() < count; i++) {
      ShapesClip c = world.clip(split, i);
      if (MOTIONS.contains(c.motion())) clips.add(c);
    }
    int[] labels = clips.stream().mapToInt(c -> MOTIONS.indexOf(c.motion())).toArray();
    List<Video> ordered = new ArrayList<>(), shuffled = new ArrayList<>();
    SplittableRandom rng = new SplittableRandom(seed ^ 0x5F1E);
    String prefix = "shapes-clips:" + split.name().toLowerCase(java.util.Locale.ROOT) + ":";
    for (ShapesClip c : clips) {
      Video v = ShapesClipSource.video(c, prefix + c.index());
      ordered.add(v);
      shuffled.add(new Video(v.source() + " (shuffled)", shuffle(v.frames(), rng)));
    }
    return new Set(clips, labels, ordered, shuffled);
  }

  /** The six motions' zero-shot classifier [6, E]: each the mean of its prompts over every colour×shape, normalised. */
  static float[][] classifier(ModelInputs inputs, TextEmbedding model) {
    List<float[][]> perMotion = new ArrayList<>();
    for (Motion m : MOTIONS) perMotion.add(inputs.embedTexts(model, ShapesWorld.motionPrompts(m)));
    return ZeroShot.classifier(perMotion);
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

  /** Top-1 of normalised embeddings x against the classifier; {@code confusion} [true][predicted] is filled when not null. */
  static double accuracy(float[][] x, float[][] classifier, int[] labels, int[][] confusion) {
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

  /** Text→video recall at 1 and 5 over the first texts.length videos, where any clip whose caption equals the query's is a hit. */
  static double[] recall(float[][] texts, float[][] videos, List<String> captions) {
    double[][] s = ZeroShot.logits(texts, Arrays.copyOf(videos, texts.length), 1.0);
    int r1 = 0, r5 = 0;
    for (int q = 0; q < texts.length; q++) {
      Integer[] order = new Integer[texts.length];
      for (int k = 0; k < order.length; k++) order[k] = k;
      final int qq = q;
      Arrays.sort(order, (a, b) -> Double.compare(s[qq][b], s[qq][a]));
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
  static double sameCaptionChance(List<String> captions) {
    Map<String, Integer> counts = new HashMap<>();
    captions.forEach(c -> counts.merge(c, 1, Integer::sum));
    return captions.stream().mapToDouble(c -> (double) counts.get(c) / captions.size()).average().orElse(0);
  }

  /**
   * The motion a caption names: the index in {@link #MOTIONS} of the one verb it contains ("moves to the left", …), or
   * -1 when it names none or more than one.
   */
  static int namedMotion(String caption) {
    int found = -1;
    for (int k = 0; k < MOTIONS.size(); k++) {
      if (caption.contains(MOTIONS.get(k).verb())) {
        if (found >= 0) return -1;
        found = k;
      }
    }
    return found;
  }

  /**
   * Greedy captions of {@code videos} (sampled to {@code frames} frames) in batches of the inputs' size, and the share
   * that name the clip's own motion ({@link #namedMotion}); {@code captionsOut} receives the captions when not null.
   */
  static double captionAccuracy(CaptionModel model, Tokenizer tokenizer, ModelInputs inputs, List<Video> videos, int[] labels,
      int frames, NDManager manager, List<String> captionsOut) {
    Generator gen = Generator.of(model, tokenizer, Math.min(20, model.maxDecodeLength()));
    int ok = 0;
    for (int from = 0; from < videos.size(); from += inputs.batchSize()) {
      List<Video> batch = videos.subList(from, Math.min(videos.size(), from + inputs.batchSize()));
      List<String> captions;
      try (NDScope scope = new NDScope()) {
        captions = gen.captions(inputs.clipPixels(manager, batch, frames), Decoding.greedy(), tokenizer);
      }
      for (int i = 0; i < captions.size(); i++) {
        if (namedMotion(captions.get(i)) == labels[from + i]) ok++;
        if (captionsOut != null) captionsOut.add(captions.get(i));
      }
    }
    return (double) ok / videos.size();
  }

  /** The six motions' verbs, in label order ("moves to the left", …). */
  static List<String> verbs() {
    return MOTIONS.stream().map(Motion::verb).toList();
  }
}
