package dev.vlt.data;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Several generated sources read in turn ({@code --data shapes+emoji-scenes}): sample i is sample i / k of part i mod k,
 * so every batch holds each part about equally and a seed still fixes everything. An epoch is each part's epoch.
 */
public final class GeneratedMix implements GeneratedSource {
  private final List<GeneratedSource> parts;

  public GeneratedMix(List<GeneratedSource> parts) {
    if (parts.size() < 2) throw new IllegalArgumentException("a mixture needs at least two sources, got " + parts.size());
    this.parts = List.copyOf(parts);
  }

  /** Opens every part of {@code spec} ("a+b+..."); each must be a generated source (shapes, emoji-scenes). */
  static GeneratedMix open(String spec, DataOptions options, SkipReport skips) throws java.io.IOException {
    List<GeneratedSource> parts = new ArrayList<>();
    for (String part : spec.split("\\+")) {
      DataSource s = DataSources.open(part.strip(), options, skips);
      if (!(s instanceof GeneratedSource g)) {
        throw new IllegalArgumentException("--data " + spec + ": only generated sources (shapes, emoji-scenes) mix with '+', not " + part);
      }
      parts.add(g);
    }
    return new GeneratedMix(parts);
  }

  @Override
  public Sample get(long index) {
    int k = parts.size();
    return parts.get((int) Math.floorMod(index, (long) k)).get(Math.floorDiv(index, k));
  }

  @Override
  public long epochSize() {
    long n = 0;
    for (GeneratedSource p : parts) n += p.epochSize();
    return n;
  }

  @Override
  public List<String> classNames() {
    return List.of();
  }

  @Override
  public String describe() {
    return parts.stream().map(DataSource::describe).collect(Collectors.joining(" + ", "mixture of ", ""));
  }
}
