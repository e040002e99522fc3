package dev.vlt.eval;

import java.util.Map;

/** A metrics record that can name its few headline figures, which become one row of a {@link MarkdownTable}. */
public interface Result {
  /** Headline figures in display order, e.g. {@code top1 -> 0.83}; fractions stay fractions (the table formats them). */
  Map<String, Double> headline();
}
