package dev.vlt.data;

import java.util.List;

/** An {@link IndexedSource} over samples known up front, with the class names their labels index (possibly none). */
public final class SampleList implements IndexedSource {
  private final String description;
  private final List<Sample> samples;
  private final List<String> classNames;

  public SampleList(String description, List<Sample> samples, List<String> classNames) {
    this.description = description;
    this.samples = List.copyOf(samples);
    this.classNames = List.copyOf(classNames);
  }

  /** Label i is class {@code classNames().get(i)}; empty when labels are plain integers or absent. */
  @Override
  public List<String> classNames() {
    return classNames;
  }

  public List<Sample> samples() {
    return samples;
  }

  @Override
  public int count() {
    return samples.size();
  }

  @Override
  public Sample get(int index) {
    return samples.get(index);
  }

  @Override
  public String describe() {
    return description + " (" + samples.size() + " samples" + (classNames.isEmpty() ? "" : ", " + classNames.size() + " classes") + ")";
  }
}
