package dev.vlt.models;

import java.util.List;

/**
 * A model that says who uses its parameters, for {@code vlt info}: a Multiway model its shared part and each expert. The
 * parts cover every parameter once, so their counts add up to the total.
 */
public interface ParameterBreakdown {
  /** A named share of the parameters. */
  record Part(String name, long count) {}

  /** Every parameter in exactly one part, in the order {@code vlt info} prints them. */
  List<Part> parameterBreakdown();
}
