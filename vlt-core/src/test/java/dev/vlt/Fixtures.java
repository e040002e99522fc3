package dev.vlt;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Where tests find ../shared (fixtures and data): the vlt.shared property set by the build, else the checkout's sibling. */
public final class Fixtures {
  private Fixtures() {}

  public static Path shared() {
    String prop = System.getProperty("vlt.shared");
    if (prop != null && Files.isDirectory(Path.of(prop))) return Path.of(prop).toAbsolutePath().normalize();
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolveSibling("shared");
      if (Files.isDirectory(candidate.resolve("fixtures"))) return candidate.normalize();
    }
    throw new IllegalStateException("cannot find ../shared beside the checkout (set -Dvlt.shared=DIR)");
  }

  public static Path fixture(String first, String... more) {
    return shared().resolve("fixtures").resolve(Path.of(first, more));
  }

  public static Path data(String first, String... more) {
    return shared().resolve("data").resolve(Path.of(first, more));
  }

  /** Skips (not fails) a test whose optional external data, e.g. a Debian dataset package, is absent. */
  public static Path requireOptional(Path p) {
    assumeTrue(Files.exists(p), "optional data not installed: " + p);
    return p;
  }
}
