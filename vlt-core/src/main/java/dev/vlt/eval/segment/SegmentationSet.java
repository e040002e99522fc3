package dev.vlt.eval.segment;

import dev.vlt.data.Box;
import dev.vlt.data.Sample;
import dev.vlt.data.SkipReport;
import dev.vlt.data.image.Raster8;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Images with ground-truth label maps over a class list, the text each class is asked with (its prompt), and the classes
 * each image is asked about (all of them, or the ones it shows plus distractors when the vocabulary is large).
 *
 * @param truth one map per image, row-major, the image's size: 0 background, c + 1 class c
 * @param asked per image, the class indices its pixels choose among
 */
public record SegmentationSet(String name, String description, List<String> classes, List<String> prompts,
    List<Raster8> images, List<int[]> truth, List<int[]> asked) {
  public SegmentationSet {
    classes = List.copyOf(classes);
    prompts = List.copyOf(prompts);
    images = List.copyOf(images);
    truth = List.copyOf(truth);
    asked = List.copyOf(asked);
    if (prompts.size() != classes.size()) throw new IllegalArgumentException(name + ": " + prompts.size() + " prompts for " + classes.size() + " classes");
    if (images.size() != truth.size() || images.size() != asked.size()) {
      throw new IllegalArgumentException(name + ": " + truth.size() + " maps and " + asked.size() + " label sets for " + images.size() + " images");
    }
    for (int i = 0; i < images.size(); i++) {
      if (truth.get(i).length != images.get(i).width() * images.get(i).height()) {
        throw new IllegalArgumentException(name + ": map " + i + " is not its image's size");
      }
    }
  }

  /**
   * The first {@code count} samples of a source with boxes and masks (ShapesWorld, emoji scenes), each box's label a
   * class. With {@code labelsPerImage} 0 every image is asked about every class; otherwise about the classes it shows
   * plus distractors drawn (seeded by the image's index) from the rest, {@code labelsPerImage} in all.
   *
   * @param prompt the text a class name is asked with
   */
  public static SegmentationSet fromSamples(String name, String description, List<Sample> samples, List<String> classes,
      Function<String, String> prompt, int labelsPerImage) {
    Map<String, Integer> index = new HashMap<>();
    for (int c = 0; c < classes.size(); c++) index.putIfAbsent(classes.get(c), c);
    List<Raster8> images = new ArrayList<>();
    List<int[]> truth = new ArrayList<>();
    List<int[]> asked = new ArrayList<>();
    SkipReport skips = SkipReport.quiet();
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      Raster8 img = s.loadOrSkip(skips);
      if (img == null) continue;
      int[] map = new int[img.width() * img.height()];
      List<Integer> shown = new ArrayList<>();
      for (int o = 0; o < s.boxes().size(); o++) {
        Box b = s.boxes().get(o);
        Integer c = index.get(b.label());
        if (c == null) throw new IllegalArgumentException(s.location() + ": box label '" + b.label() + "' is not a class of " + name);
        if (!shown.contains(c)) shown.add(c);
        Raster8 mask = s.masks().get(o);
        if (mask.width() != img.width() || mask.height() != img.height()) {
          throw new IllegalArgumentException(s.location() + ": mask " + o + " is not the image's size");
        }
        byte[] m = mask.pixels();
        for (int p = 0; p < map.length; p++) if (m[p] != 0) map[p] = c + 1;
      }
      images.add(img);
      truth.add(map);
      asked.add(labelsPerImage == 0 ? allOf(classes.size()) : withDistractors(shown, classes.size(), labelsPerImage, i));
    }
    return new SegmentationSet(name, description, classes, classes.stream().map(prompt).toList(), images, truth, asked);
  }

  private static int[] allOf(int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) out[i] = i;
    return out;
  }

  /** The shown classes and distinct random others, {@code total} in all (fewer if there are not enough classes), sorted. */
  static int[] withDistractors(List<Integer> shown, int classes, int total, long seed) {
    List<Integer> out = new ArrayList<>(shown);
    SplittableRandom r = new SplittableRandom(0x5E6_0000L + seed);
    while (out.size() < Math.min(total, classes)) {
      int c = r.nextInt(classes);
      if (!out.contains(c)) out.add(c);
    }
    return out.stream().mapToInt(Integer::intValue).sorted().toArray();
  }

  public int size() {
    return images.size();
  }
}
