package dev.vlt.experiment;

import dev.vlt.analysis.Pairs;
import dev.vlt.data.DataSources;
import dev.vlt.data.EmojiSet;
import dev.vlt.data.Sample;
import dev.vlt.data.SampleList;
import dev.vlt.data.image.Raster8;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import dev.vlt.eval.Templates;
import dev.vlt.eval.suite.EvalSet;
import dev.vlt.eval.suite.EvalSets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * One experiment's data: the training stream every run of a seed sees in the same order, the evaluation set, matched
 * pairs for the modality analysis, and the text corpus the tokenizer is trained on.
 */
public final class ExperimentData {
  private record Item(Raster8 image, String caption) {}

  /** Pair i of the training stream of one seed. */
  private interface Stream {
    Item get(long seed, long i);
  }

  private final String description;
  private final Stream stream;
  private final EvalSet eval;
  private final List<String> corpus;

  private ExperimentData(String description, Stream stream, EvalSet eval, List<String> corpus) {
    this.description = description;
    this.stream = stream;
    this.eval = eval;
    this.corpus = List.copyOf(corpus);
  }

  /** Opens the data an experiment names, rendered (ShapesWorld) or evaluated at {@code imageSize}. */
  public static ExperimentData open(ExperimentSpec.DataSpec spec, int imageSize) throws IOException {
    return spec.name().equals("shapes") ? shapes(spec, imageSize) : emoji(spec);
  }

  /**
   * ShapesWorld training scenes of {@code min..max_objects} objects, one of each scene's phrasings picked per (seed,
   * sample); seed s reads its own block of the endless train split. Evaluation: {@link EvalSets#shapes}.
   */
  static ExperimentData shapes(ExperimentSpec.DataSpec spec, int imageSize) {
    ShapesWorldConfig cfg = ShapesWorldConfig.defaults().withImageSize(imageSize).withObjects(spec.minObjects(), spec.maxObjects());
    ShapesWorld world = new ShapesWorld(cfg);
    Stream s = (seed, i) -> {
      ShapesSample x = world.sample(Split.TRAIN, seed * 100_000_000L + i);
      String caption = x.captions().get(new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i).nextInt(x.captions().size()));
      return new Item(new Raster8(x.imageSize(), x.imageSize(), 3, x.rgbBytes()), caption);
    };
    List<String> corpus = new ArrayList<>();
    for (int i = 0; i < 2000; i++) corpus.addAll(world.sample(Split.TRAIN, i).captions());
    EvalSet eval = EvalSets.shapes(cfg, spec.evalImages());
    addPrompts(corpus, eval);
    return new ExperimentData("ShapesWorld, " + spec.minObjects() + "-" + spec.maxObjects() + " objects per training scene, "
        + imageSize + " px; zero-shot on held-out colour×shape combinations", s, eval, corpus);
  }

  /**
   * The emoji set's 1533 train pairs (CLDR name as caption), one shuffled pass per epoch, the order fixed by the seed.
   * Evaluation: {@link EvalSets#emoji} (zero-shot over the 9 categories, retrieval by name and probe on test).
   */
  static ExperimentData emoji(ExperimentSpec.DataSpec spec) throws IOException {
    var dir = DataSources.dataDir().resolve("emoji-google-64");
    SampleList train = EmojiSet.read(dir, "train", true);
    List<Raster8> images = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Sample x : train.samples()) {
      images.add(x.image().load());
      names.add(x.captions().get(0));
    }
    int n = images.size();
    Stream s = new Stream() {
      private long cachedKey = Long.MIN_VALUE;
      private int[] order;

      private synchronized int index(long seed, long i) {
        long epoch = i / n;
        long key = seed * 1_000_003L + epoch;
        if (key != cachedKey) {
          List<Integer> perm = new ArrayList<>();
          for (int k = 0; k < n; k++) perm.add(k);
          Collections.shuffle(perm, new Random(key));
          order = perm.stream().mapToInt(Integer::intValue).toArray();
          cachedKey = key;
        }
        return order[(int) (i % n)];
      }

      @Override
      public Item get(long seed, long i) {
        int k = index(seed, i);
        return new Item(images.get(k), names.get(k));
      }
    };
    EvalSet eval = EvalSets.emoji(dir);
    List<String> corpus = new ArrayList<>(names);
    addPrompts(corpus, eval);
    return new ExperimentData("Noto emoji: " + n + " train pairs (name captions); zero-shot over " + eval.classNames().size()
        + " categories, retrieval by name and probe on the " + eval.test().size() + " test images", s, eval, corpus);
  }

  /** The zero-shot prompts join the tokenizer corpus, so class words are tokens; they are never training pairs. */
  private static void addPrompts(List<String> corpus, EvalSet eval) {
    List<String> templates = Templates.load(eval.templates());
    for (String c : eval.classNames()) corpus.addAll(Templates.fill(templates, c));
  }

  /** The first {@code count} training pairs of {@code seed}, in training order. */
  public Pairs trainingPairs(long seed, int count) {
    List<Raster8> images = new ArrayList<>(count);
    List<String> captions = new ArrayList<>(count);
    for (long i = 0; i < count; i++) {
      Item item = stream.get(seed, i);
      images.add(item.image());
      captions.add(item.caption());
    }
    return new Pairs(images, captions);
  }

  public EvalSet eval() {
    return eval;
  }

  public List<String> corpus() {
    return corpus;
  }

  public String description() {
    return description;
  }
}
