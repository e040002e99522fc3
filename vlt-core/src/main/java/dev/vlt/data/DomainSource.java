package dev.vlt.data;

import java.util.List;

/**
 * A source whose samples each come from one of several named domains (styles of one picture, vendors of an art set), for
 * domain generalisation: a task that conditions on the domain (INDIGO's class × domain prompts) asks the source which
 * domain a sample is from.
 */
public interface DomainSource extends DataSource {
  /** The domains' names, in index order. */
  List<String> domains();

  /** How a prompt names a picture of domain d, "{}" standing for the class name; parallel to {@link #domains}. */
  List<String> domainTemplates();

  /** The index of {@code sample}'s domain in {@link #domains}. */
  int domain(Sample sample);
}
