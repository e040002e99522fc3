package dev.vlt.data.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * ShapesWorld, vlt's built-in procedural dataset. Sample i of a split is a pure function of (seed, split, i): each sample
 * draws from its own SplittableRandom seeded from those three, so random access, streaming and any thread count agree.
 * Thread-safe: rendering scratch is per thread.
 */
public final class ShapesWorld {
  /** The name that selects this dataset on the command line ({@code --data shapes}). */
  public static final String NAME = "shapes";
  private static final long IMAGES = 0x5EED_1A6EL, CLIPS = 0x5EED_C11BL;

  private final ShapesWorldConfig config;
  private final List<List<Combo>> combos = new ArrayList<>();
  private final ThreadLocal<Renderer> renderer;

  public ShapesWorld(ShapesWorldConfig config) {
    this.config = config;
    for (Split s : Split.values()) combos.add(config.combos(s));
    this.renderer = ThreadLocal.withInitial(() -> new Renderer(config.imageSize()));
  }

  public ShapesWorld() {
    this(ShapesWorldConfig.defaults());
  }

  public ShapesWorldConfig config() {
    return config;
  }

  /** Sample index of split (index ≥ 0; there is no end). */
  public ShapesSample sample(Split split, long index) {
    SplittableRandom r = random(split, index, IMAGES);
    int size = config.imageSize();
    Scene scene = Layout.scene(r, config, combos(split));
    List<ReferringExpression> referring = Referring.of(scene, size, r);
    List<QuestionAnswer> qa = Questions.of(scene, combos(split), Referring.margin(size), r);
    int[] pixels = new int[size * size];
    boolean[][] masks = new boolean[scene.size()][size * size];
    renderer.get().render(scene, pixels, masks);
    return new ShapesSample(split, index, scene, size, pixels, masks, Captions.of(scene, size), referring, qa,
        scene.get(0).combo().label());
  }

  /** count samples of split from index from on, in order. */
  public Stream<ShapesSample> samples(Split split, long from, long count) {
    return LongStream.range(from, from + count).mapToObj(i -> sample(split, i));
  }

  /** Video clip index of split: {@link ShapesWorldConfig#videoFrames()} frames and a 16 kHz audio track. */
  public ShapesClip clip(Split split, long index) {
    return Clips.make(random(split, index, CLIPS), config, combos(split), renderer.get(), split, index);
  }

  /** The combos split draws from (test: the held-out ones). */
  public List<Combo> combos(Split split) {
    return combos.get(split.ordinal());
  }

  /** Every colour×shape class name in label order ("red circle", "red square", ...): the zero-shot label set. */
  public static List<String> classNames() {
    return Combo.all().stream().map(Combo::name).toList();
  }

  /** The class names split contains; for test these are the held-out combos, none of which train ever shows. */
  public List<String> classNames(Split split) {
    return combos(split).stream().map(Combo::name).toList();
  }

  /** Zero-shot text prompts, one per class in label order, phrased like caption 4 ("a picture of a red circle"). */
  public static List<String> classPrompts() {
    return classNames().stream().map(n -> "a picture of " + Words.a(n)).toList();
  }

  /**
   * Zero-shot prompts for what happens in a clip, phrased like a clip's first caption, one per colour×shape class:
   * "a red circle moves to the left", … (the object's class is unknown at test time, so a classifier averages them).
   */
  public static List<String> motionPrompts(Motion motion) {
    if (motion == Motion.CHANGE_COLOR) throw new IllegalArgumentException("a colour change is named by its new colour");
    return classNames().stream().map(n -> Words.a(n) + " " + motion.verb()).toList();
  }

  /** Every answer a question can have: the closed vocabulary of a VQA classifier head. */
  public static List<String> answers() {
    List<String> out = new ArrayList<>(Words.COUNTS);
    out.addAll(List.of("yes", "no"));
    for (Color c : Color.values()) out.add(c.word());
    for (Shape s : Shape.values()) out.add(s.word());
    for (Size s : Size.values()) out.add(s.word());
    return List.copyOf(out);
  }

  private SplittableRandom random(Split split, long index, long stream) {
    if (index < 0) throw new IllegalArgumentException("sample index " + index + " is negative");
    long h = mix(config.seed() ^ stream);
    h = mix(h + split.ordinal() + 1);
    return new SplittableRandom(mix(h ^ index));
  }

  /** SplitMix64's finaliser: nearby inputs give unrelated outputs. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
