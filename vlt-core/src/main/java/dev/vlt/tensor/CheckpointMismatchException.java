package dev.vlt.tensor;

import java.util.List;

/** A strict load failed; the message lists every missing, unexpected and mis-shaped key at once. */
public final class CheckpointMismatchException extends IllegalArgumentException {
  private final List<String> missing;
  private final List<String> unexpected;
  private final List<String> wrongShape;

  public CheckpointMismatchException(List<String> missing, List<String> unexpected, List<String> wrongShape) {
    super(describe(missing, unexpected, wrongShape));
    this.missing = List.copyOf(missing);
    this.unexpected = List.copyOf(unexpected);
    this.wrongShape = List.copyOf(wrongShape);
  }

  private static String describe(List<String> missing, List<String> unexpected, List<String> wrongShape) {
    StringBuilder sb = new StringBuilder("checkpoint does not match the model:");
    if (!missing.isEmpty()) sb.append(" missing ").append(missing.size()).append(' ').append(missing).append(';');
    if (!unexpected.isEmpty()) sb.append(" unexpected ").append(unexpected.size()).append(' ').append(unexpected).append(';');
    if (!wrongShape.isEmpty()) sb.append(" wrong shape ").append(wrongShape.size()).append(' ').append(wrongShape).append(';');
    return sb.toString();
  }

  public List<String> missing() {
    return missing;
  }

  public List<String> unexpected() {
    return unexpected;
  }

  public List<String> wrongShape() {
    return wrongShape;
  }
}
