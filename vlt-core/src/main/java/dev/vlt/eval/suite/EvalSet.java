package dev.vlt.eval.suite;

import dev.vlt.data.image.Raster8;
import java.util.List;

/**
 * One evaluation dataset, already in memory. Any part may be empty: a set without captions skips retrieval, a set without
 * a train part skips the linear probe, {@code zeroShot = false} skips zero-shot (e.g. held-in classes unnamed).
 *
 * @param templates a built-in template set name or file, for zero-shot prompts
 * @param probeTest images scored by the probe (labels of train's classes); the zero-shot test set is {@code test}
 */
public record EvalSet(String name, String description, List<String> classNames, String templates,
    Part train, Part test, Part probeTest, boolean zeroShot) {

  /** Images with a class label each (or -1) and zero or more captions each. */
  public record Part(List<Raster8> images, int[] labels, List<List<String>> captions) {
    public Part {
      if (labels.length != images.size() || captions.size() != images.size()) {
        throw new IllegalArgumentException("a part needs one label and one caption list per image");
      }
    }

    public static Part empty() {
      return new Part(List.of(), new int[0], List.of());
    }

    public int size() {
      return images.size();
    }

    public boolean hasCaptions() {
      return captions.stream().anyMatch(c -> !c.isEmpty());
    }

    /** Every caption as a retrieval query, with the image it belongs to; images without captions are left out. */
    public CaptionPairs captionPairs() {
      List<Integer> rows = new java.util.ArrayList<>();
      List<String> texts = new java.util.ArrayList<>();
      List<Integer> owner = new java.util.ArrayList<>();
      for (int i = 0; i < size(); i++) {
        if (captions.get(i).isEmpty()) continue;
        for (String c : captions.get(i)) {
          texts.add(c);
          owner.add(rows.size());
        }
        rows.add(i);
      }
      return new CaptionPairs(rows.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(texts),
          owner.stream().mapToInt(Integer::intValue).toArray());
    }
  }

  /**
   * @param imageRows the part's images that have captions, in order
   * @param texts all their captions
   * @param owner per text, its image's index in {@code imageRows}
   */
  public record CaptionPairs(int[] imageRows, List<String> texts, int[] owner) {}
}
