package dev.vlt.eval.suite;

import dev.vlt.data.Sample;
import dev.vlt.data.SampleList;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.Raster8;
import dev.vlt.data.shapes.ShapesSample;
import dev.vlt.data.shapes.ShapesWorld;
import dev.vlt.data.shapes.ShapesWorldConfig;
import dev.vlt.data.shapes.Split;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The evaluation sets vlt knows: ShapesWorld's held-out combinations and the real small datasets. */
public final class EvalSets {
  private EvalSets() {}

  /**
   * ShapesWorld: zero-shot over all colour×shape classes on single-object images of the held-out (never trained)
   * combinations; retrieval on multi-object test scenes by caption; linear probe fit on train, scored on val (the probe
   * can only name classes it was fit on, so it is scored on seen combinations).
   */
  public static EvalSet shapes(ShapesWorldConfig base, int perPart) {
    ShapesWorld single = new ShapesWorld(base.withObjects(1, 1));
    ShapesWorld scenes = new ShapesWorld(base);
    List<String> classes = ShapesWorld.classNames();
    EvalSet.Part test = shapesPart(single, Split.TEST, perPart, false);
    EvalSet.Part train = shapesPart(single, Split.TRAIN, perPart, false);
    EvalSet.Part val = shapesPart(single, Split.VAL, perPart / 2, false);
    EvalSet.Part retrieval = shapesPart(scenes, Split.TEST, perPart / 2, true);
    EvalSet.Part combined = new EvalSet.Part(concat(test.images(), retrieval.images()),
        concat(test.labels(), new int[retrieval.size()], -1), concat(noCaptions(test.size()), retrieval.captions()));
    return new EvalSet("shapes", "ShapesWorld: held-out colour×shape combinations (" + classes.size() + " classes)",
        classes, "shapes", train, combined, val, true);
  }

  private static EvalSet.Part shapesPart(ShapesWorld world, Split split, int n, boolean captions) {
    List<Raster8> images = new ArrayList<>();
    int[] labels = new int[n];
    List<List<String>> caps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ShapesSample s = world.sample(split, i);
      images.add(new Raster8(s.imageSize(), s.imageSize(), 3, s.rgbBytes()));
      labels[i] = captions ? -1 : s.label();
      caps.add(captions ? List.of(s.caption()) : List.of());
    }
    return new EvalSet.Part(images, labels, caps);
  }

  /** The emoji set: zero-shot over its 9 categories and retrieval by name on test; probe fit on train. */
  public static EvalSet emoji(java.nio.file.Path dir) throws IOException {
    SampleList train = dev.vlt.data.EmojiSet.read(dir, "train", false);
    SampleList test = dev.vlt.data.EmojiSet.read(dir, "test", false);
    EvalSet.Part testPart = part(test, Integer.MAX_VALUE, 0);
    return new EvalSet("emoji", "Noto emoji: 9 categories, names as captions", train.classNames(), "emoji",
        part(train, Integer.MAX_VALUE, 0), testPart, testPart, true);
  }

  /** Fashion-MNIST (Debian's dataset-fashion-mnist): zero-shot over its 10 classes and a probe, on subsets. */
  public static EvalSet fashionMnist(java.nio.file.Path dir, int trainCount, int testCount) throws IOException {
    SampleList train = dev.vlt.data.FashionMnist.read(dir, "train");
    SampleList test = dev.vlt.data.FashionMnist.read(dir, "test");
    EvalSet.Part testPart = part(test, testCount, 1);
    return new EvalSet("fashion-mnist", "Fashion-MNIST: 10 clothing classes", train.classNames(), "photo",
        part(train, trainCount, 2), testPart, testPart, true);
  }

  /** The 8×8 digits: a probe (first 1500 rows train, rest test) and zero-shot over digit names. */
  public static EvalSet digits(java.nio.file.Path csvGz) throws IOException {
    SampleList train = dev.vlt.data.Digits.read(csvGz, "train");
    SampleList test = dev.vlt.data.Digits.read(csvGz, "test");
    EvalSet.Part testPart = part(test, Integer.MAX_VALUE, 0);
    return new EvalSet("digits", "UCI 8×8 handwritten digits", train.classNames(), "photo",
        part(train, Integer.MAX_VALUE, 0), testPart, testPart, true);
  }

  /** Up to {@code max} samples (a seeded subset when fewer than all); unreadable ones are counted and skipped. */
  static EvalSet.Part part(SampleList list, int max, long seed) throws IOException {
    List<Sample> all = new ArrayList<>(list.samples());
    if (all.size() > max) {
      java.util.Collections.shuffle(all, new java.util.Random(seed));
      all = all.subList(0, max);
    }
    List<Raster8> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    List<List<String>> caps = new ArrayList<>();
    SkipReport skips = new SkipReport();
    for (Sample s : all) {
      try {
        images.add(s.image().load());
      } catch (IOException | RuntimeException e) {
        skips.skip(SkipReport.Reason.CORRUPT_IMAGE, s.location(), String.valueOf(e.getMessage()));
        continue;
      }
      labels.add(s.label());
      caps.add(s.captions());
    }
    if (skips.total() > 0) skips.print(System.err);
    return new EvalSet.Part(images, labels.stream().mapToInt(Integer::intValue).toArray(), caps);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static int[] concat(int[] a, int[] b, int fillB) {
    int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    java.util.Arrays.fill(out, a.length, out.length, fillB);
    return out;
  }

  private static List<List<String>> noCaptions(int n) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(List.of());
    return out;
  }

  /**
   * Opens sets by name: shapes, emoji, fashion-mnist, digits. {@code "auto"} means ShapesWorld plus every real set found
   * here; a real set that is absent is reported through {@code missing} (one line each) and left out.
   */
  public static List<EvalSet> open(List<String> names, ShapesWorldConfig shapes, int shapesPerPart,
      java.util.function.Consumer<String> missing) throws IOException {
    List<String> wanted = new ArrayList<>(names);
    boolean auto = wanted.remove("auto");
    if (auto) wanted.addAll(0, List.of("shapes", "emoji", "fashion-mnist", "digits"));
    List<EvalSet> out = new ArrayList<>();
    for (String n : new java.util.LinkedHashSet<>(wanted)) {
      switch (n) {
        case "shapes" -> out.add(shapes(shapes, shapesPerPart));
        case "emoji", "digits" -> {
          java.nio.file.Path dir;
          try {
            dir = dev.vlt.data.DataSources.dataDir();
          } catch (IllegalArgumentException e) {
            missing.accept(n + ": " + e.getMessage());
            continue;
          }
          if (n.equals("emoji")) out.add(emoji(dir.resolve("emoji-google-64")));
          else out.add(digits(dir.resolve("digits-8x8").resolve("digits.csv.gz")));
        }
        case "fashion-mnist" -> {
          var dir = dev.vlt.data.FashionMnist.find();
          if (dir.isPresent()) out.add(fashionMnist(dir.get(), 2000, 1000));
          else missing.accept("fashion-mnist: not installed; add it with: sudo apt-get install dataset-fashion-mnist");
        }
        default -> throw new IllegalArgumentException("unknown evaluation set '" + n + "'; known: shapes, emoji, fashion-mnist, digits, auto");
      }
    }
    return out;
  }
}
