package dev.vlt.analysis;

import dev.vlt.data.image.Raster8;
import dev.vlt.eval.suite.EvalSet;
import java.util.ArrayList;
import java.util.List;

/** Matched image-caption pairs: caption i describes image i. */
public record Pairs(List<Raster8> images, List<String> captions) {
  public Pairs {
    if (images.size() != captions.size()) throw new IllegalArgumentException(images.size() + " images but " + captions.size() + " captions");
    images = List.copyOf(images);
    captions = List.copyOf(captions);
  }

  /** Up to {@code max} test images of {@code set} that have a caption, each with its first caption. */
  public static Pairs from(EvalSet set, int max) {
    List<Raster8> images = new ArrayList<>();
    List<String> captions = new ArrayList<>();
    EvalSet.Part test = set.test();
    for (int i = 0; i < test.size() && images.size() < max; i++) {
      if (test.captions().get(i).isEmpty()) continue;
      images.add(test.images().get(i));
      captions.add(test.captions().get(i).get(0));
    }
    if (images.size() < 2) throw new IllegalArgumentException("evaluation set " + set.name() + " has fewer than 2 captioned test images");
    return new Pairs(images, captions);
  }

  public int size() {
    return images.size();
  }
}
