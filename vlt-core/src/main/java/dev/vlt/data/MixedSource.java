package dev.vlt.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Image-label data and image-text pairs in one source ({@code --data mix:LABELS,PAIRS}), as Florence's UniCL trains on:
 * the first part's samples keep their labels and are captioned from the class templates (one template per sample and
 * epoch, picked by the loader); the second part's keep their captions and lose any label, so a label always means
 * "image-label data". The loader shuffles the two together.
 */
public final class MixedSource {
  private MixedSource() {}

  /**
   * @param labels labelled images (a class folder, digits, fashion-mnist, emoji:train used as categories)
   * @param pairs image-text pairs (a manifest, the emoji names)
   * @param templates prompt templates with "{}" for the class name
   */
  public static SampleList of(IndexedSource labels, IndexedSource pairs, List<String> templates) {
    List<String> classes = labels.classNames();
    if (classes.isEmpty()) throw new IllegalArgumentException("--data mix: the first part, " + labels.describe() + ", has no class names to caption");
    List<Sample> out = new ArrayList<>(labels.count() + pairs.count());
    for (int i = 0; i < labels.count(); i++) {
      Sample s = labels.get(i);
      if (!s.hasLabel()) continue;
      out.add(new Sample(s.id(), s.image(), Templates.fill(templates, classes.get(s.label()).replace('_', ' ')), s.label(), s.boxes(),
          s.masks(), s.location()));
    }
    int labelled = out.size();
    for (int i = 0; i < pairs.count(); i++) {
      Sample s = pairs.get(i);
      if (s.captions().isEmpty()) continue;
      out.add(new Sample(s.id(), s.image(), s.captions(), Sample.NO_LABEL, s.boxes(), s.masks(), s.location()));
    }
    return new SampleList("mix of " + labelled + " labelled images (" + labels.describe() + ") and " + (out.size() - labelled)
        + " image-text pairs (" + pairs.describe() + ")", out, classes);
  }

  /** Opens {@code LABELS,PAIRS} (each any --data spec read by index). */
  static SampleList open(String spec, DataOptions options, SkipReport skips) throws java.io.IOException {
    int comma = spec.indexOf(',');
    if (comma < 0) throw new IllegalArgumentException("--data mix:LABELS,PAIRS needs two sources separated by a comma, got 'mix:" + spec + "'");
    DataSource labels = DataSources.open(spec.substring(0, comma), options, skips);
    DataSource pairs = DataSources.open(spec.substring(comma + 1), options, skips);
    if (!(labels instanceof IndexedSource l) || !(pairs instanceof IndexedSource p)) {
      throw new IllegalArgumentException("--data mix: both parts must be read by index (manifests, folders, bundled sets), not shards or shapes");
    }
    String templates = options.classTemplates() == null ? "photo" : options.classTemplates();
    return of(l, p, Templates.load(templates));
  }
}
