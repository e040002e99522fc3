package dev.vlt.cli;

import dev.vlt.index.SearchBench;
import dev.vlt.index.SyntheticVectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vlt bench search}: HNSW search latency on a large synthetic index (target: p50 under 10 ms at 100k × 512). */
@Command(name = "search", mixinStandardHelpOptions = true,
    description = {"Index random unit vectors in a temporary folder, then time searches: HNSW p50/p95 latency, exact search",
        "p50, and HNSW recall@k against exact search on the same queries."})
public final class BenchSearchCommand implements Callable<Integer> {
  @Option(names = "--vectors", defaultValue = "100000", description = "Indexed vectors (default ${DEFAULT-VALUE}).")
  int vectors;

  @Option(names = "--dim", defaultValue = "512", description = "Vector width (default ${DEFAULT-VALUE}).")
  int dim;

  @Option(names = "--queries", defaultValue = "200", description = "Timed queries (default ${DEFAULT-VALUE}).")
  int queries;

  @Option(names = "-k", defaultValue = "10", description = "Results per query (default ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--clusters", defaultValue = "1000",
      description = "Random cluster centres the vectors gather around, as embeddings of a real collection do; 0 = uniform on the sphere (default ${DEFAULT-VALUE}).")
  int clusters;

  @Option(names = "--threads", description = "Indexing threads (default: all cores, at least 2).")
  Integer threads;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the vectors (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (vectors < 1 || dim < 1 || queries < 1 || k < 1 || clusters < 0) throw new IllegalArgumentException("sizes must be positive");
    int t = threads != null ? threads : Math.max(2, Runtime.getRuntime().availableProcessors());
    float[][] all = clusters == 0 ? SyntheticVectors.uniform(vectors + queries, dim, seed)
        : SyntheticVectors.clustered(vectors + queries, dim, clusters, 1.0, seed);
    Path dir = Files.createTempDirectory("vlt-bench-search");
    try {
      if (!json) System.err.printf(Locale.ROOT, "bench search: indexing %d x %d vectors with %d threads...%n", vectors, dim, t);
      SearchBench.Result r = SearchBench.run(dir, Arrays.copyOf(all, vectors), Arrays.copyOfRange(all, vectors, vectors + queries), k, t);
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vectors", r.vectors());
        m.put("dim", r.dim());
        m.put("clusters", clusters);
        m.put("queries", r.queries());
        m.put("k", r.k());
        m.put("threads", r.threads());
        m.put("build_seconds", r.buildSeconds());
        m.put("p50_ms", r.p50Ms());
        m.put("p95_ms", r.p95Ms());
        m.put("exact_p50_ms", r.exactP50Ms());
        m.put("recall", r.recall());
        JsonLines.print(m);
      } else {
        System.out.printf(Locale.ROOT, "bench search: %d vectors x %d (%s), %d queries, k %d%n", r.vectors(), r.dim(),
            clusters == 0 ? "uniform" : clusters + " clusters", r.queries(), r.k());
        System.out.printf(Locale.ROOT, "  index build   %.1f s (%d threads, HNSW M 16 / beam 100, merged to one segment)%n", r.buildSeconds(), r.threads());
        System.out.printf(Locale.ROOT, "  HNSW search   p50 %.2f ms, p95 %.2f ms (target p50 < 10 ms)%n", r.p50Ms(), r.p95Ms());
        System.out.printf(Locale.ROOT, "  exact search  p50 %.2f ms%n", r.exactP50Ms());
        System.out.printf(Locale.ROOT, "  recall@%d     %.4f (HNSW vs exact)%n", r.k(), r.recall());
      }
      return 0;
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
  }
}
