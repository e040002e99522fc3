package dev.vlt.data.styles;

import dev.vlt.data.DomainSource;
import dev.vlt.data.EmojiSet;
import dev.vlt.data.IndexedSource;
import dev.vlt.data.Sample;
import dev.vlt.data.SampleList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The emoji art in several {@link Style}s, one domain per style: {@code emoji-styles[:SPLIT[:STYLE,STYLE,...]]} (split
 * train, test or all, as {@code emoji}, without the Component category; every style when none is named). Sample i is
 * emoji {@code i mod N} in style {@code i / N}; its id is {@code STYLE/FILE}, its label the emoji's category and its
 * caption the style's template filled with the emoji's name.
 */
public final class EmojiStyles implements IndexedSource, DomainSource {
  public static final String NAME = "emoji-styles";

  private final SampleList base;
  private final List<Style> styles;

  public EmojiStyles(SampleList base, List<Style> styles) {
    if (styles.isEmpty()) throw new IllegalArgumentException(NAME + " needs at least one style");
    if (styles.stream().distinct().count() != styles.size()) throw new IllegalArgumentException(NAME + ": a style is named twice in " + styles);
    this.base = base;
    this.styles = List.copyOf(styles);
  }

  /** @param spec what follows {@code emoji-styles:}, e.g. "train" or "train:original,sketch"; null for all of every style */
  public static EmojiStyles open(Path emojiDir, String spec) throws IOException {
    String split = spec == null || spec.isEmpty() ? "all" : spec.split(":", 2)[0];
    List<Style> styles = new ArrayList<>();
    if (spec != null && spec.contains(":")) {
      for (String s : spec.split(":", 2)[1].split(",")) if (!s.isBlank()) styles.add(Style.of(s.strip()));
    } else {
      styles.addAll(List.of(Style.values()));
    }
    return new EmojiStyles(EmojiSet.read(emojiDir, split, false), styles);
  }

  /** The spec {@link #open} reads for these styles of {@code split}. */
  public static String spec(String split, List<Style> styles) {
    return NAME + ":" + split + ":" + String.join(",", styles.stream().map(Style::id).toList());
  }

  public List<Style> styles() {
    return styles;
  }

  /** The emoji in their original form (every style's source). */
  public SampleList base() {
    return base;
  }

  @Override
  public int count() {
    return base.count() * styles.size();
  }

  @Override
  public Sample get(int index) {
    Style style = styles.get(index / base.count());
    Sample s = base.get(index % base.count());
    long key = s.id().hashCode();
    String caption = style.template().replace("{}", s.captions().isEmpty() ? "an emoji" : s.captions().get(0));
    return Sample.of(style.id() + "/" + s.id(), () -> style.apply(s.image().load(), key), List.of(caption), s.label(),
        s.location() + " (" + style.id() + ")");
  }

  @Override
  public List<String> classNames() {
    return base.classNames();
  }

  @Override
  public List<String> domains() {
    return styles.stream().map(Style::id).toList();
  }

  @Override
  public List<String> domainTemplates() {
    return styles.stream().map(Style::template).toList();
  }

  @Override
  public int domain(Sample sample) {
    String id = sample.id();
    int slash = id.indexOf('/');
    int d = slash < 0 ? -1 : domains().indexOf(id.substring(0, slash));
    if (d < 0) throw new IllegalArgumentException("sample " + id + " is not from " + describe());
    return d;
  }

  @Override
  public String describe() {
    return NAME + " " + domains() + " of " + base.describe();
  }
}
