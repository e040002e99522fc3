package dev.vlt.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Injected caption noise ({@code --caption-noise P}): a fixed set of pairs in which a fraction P of the samples, chosen
 * from the seed, have their captions swapped among themselves (a cycle over a shuffled choice, so no chosen sample keeps
 * its own), each keeping its id, image and label. An endless source (ShapesWorld) becomes its first epoch, read the same
 * every epoch, since noise belongs to pairs that recur. {@code swappedIds} are the pairs whose caption text changed (a
 * swap between two scenes with the same caption changes nothing and is not counted).
 */
public final class CaptionNoise {
  /**
   * The noisy pairs (ids, images and labels as in the source), the ids whose caption changed, and for each of those its
   * own first caption before the swap (what a rewrite of it should say).
   */
  public record Injected(SampleList pairs, Set<String> swappedIds, java.util.Map<String, String> originals) {}

  private CaptionNoise() {}

  /**
   * @param source an indexed source, or a generated one (its first epoch is taken)
   * @param fraction P in [0, 1)
   */
  public static Injected inject(DataSource source, double fraction, long seed) {
    if (!(fraction >= 0 && fraction < 1)) throw new IllegalArgumentException("--caption-noise must be in [0, 1), got " + fraction);
    List<Sample> clean = new ArrayList<>();
    if (source instanceof IndexedSource indexed) {
      for (int i = 0; i < indexed.count(); i++) clean.add(indexed.get(i));
    } else if (source instanceof GeneratedSource generated) {
      if (generated.epochSize() > Integer.MAX_VALUE) throw new IllegalArgumentException("--caption-noise: the epoch is too large to fix");
      for (long i = 0; i < generated.epochSize(); i++) clean.add(generated.get(i));
    } else {
      throw new IllegalArgumentException("--caption-noise needs a source read by index (a manifest, folder, bundled set or "
          + "shapes), not " + source.describe());
    }
    int n = clean.size();
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) order.add(i);
    Collections.shuffle(order, new Random(seed ^ 0x6E6F697365L));
    int k = (int) Math.round(fraction * n);
    List<Sample> out = new ArrayList<>(clean);
    Set<String> swapped = new TreeSet<>();
    java.util.Map<String, String> originals = new java.util.TreeMap<>();
    if (k >= 2) {
      for (int j = 0; j < k; j++) {
        Sample to = clean.get(order.get(j));
        Sample from = clean.get(order.get((j + 1) % k));
        out.set(order.get(j), new Sample(to.id(), to.image(), from.captions(), to.label(), to.boxes(), to.masks(), to.location()));
        if (!from.captions().equals(to.captions())) {
          swapped.add(to.id());
          originals.put(to.id(), to.captions().isEmpty() ? "" : to.captions().get(0));
        }
      }
    }
    String description = source.describe() + String.format(java.util.Locale.ROOT, ", fixed, %.0f%% of captions swapped (%d pairs)",
        100 * fraction, swapped.size());
    return new Injected(new SampleList(description, out, source.classNames()), Collections.unmodifiableSet(swapped),
        Collections.unmodifiableMap(originals));
  }
}
