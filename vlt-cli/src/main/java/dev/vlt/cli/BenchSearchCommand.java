package dev.vlt.cli;

import dev.vlt.index.HnswSettings;
import dev.vlt.index.SearchBench;
import dev.vlt.index.SyntheticVectors;
import dev.vlt.index.VectorIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    description = {"Index clustered random unit vectors in a temporary folder (build time and vectors/s for one choice of",
        "format, graph and layout), then time searches: HNSW p50/p95 latency, exact search p50, and HNSW recall@k against",
        "exact search on held-out queries."})
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

  @Option(names = "--spread", defaultValue = "1.5",
      description = "Noise around each centre relative to the centre's norm: 1.5 puts cluster mates near cosine 0.3 (default ${DEFAULT-VALUE}).")
  double spread;

  @Option(names = "--threads", description = "Indexing threads (default: all cores, at least 2; the single layout uses 1).")
  Integer threads;

  @Option(names = "--quantization", description = "Vectors the graph is built on: float32, int8 or int4 (default: what 'vlt index build' writes).")
  String quantization;

  @Option(names = "-m", description = "HNSW links per node (default: the index's, 16).")
  Integer maxConn;

  @Option(names = "--beam", description = "HNSW beam width while inserting (default: the index's, 100).")
  Integer beam;

  @Option(names = "--layout", defaultValue = "merged",
      description = "Segments the build ends with: merged (one segment per thread, then merged into one), per-thread (not merged), single (one thread, one segment), buffer-64mb (vlt index build's buffer and Lucene's own merges) (default ${DEFAULT-VALUE}).")
  String layout;

  @Option(names = "--candidates", split = ",",
      description = "HNSW candidates per search (ef) to measure, comma-separated; 'vlt search' uses the first (default: the index's, 100).")
  int[] candidates;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the vectors (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (vectors < 1 || dim < 1 || queries < 1 || k < 1 || clusters < 0) throw new IllegalArgumentException("sizes must be positive");
    SearchBench.Layout lay = SearchBench.Layout.parse(layout);
    int t = lay == SearchBench.Layout.SINGLE ? 1 : threads != null ? threads : Math.max(2, Runtime.getRuntime().availableProcessors());
    HnswSettings d = HnswSettings.DEFAULT;
    HnswSettings hnsw = new HnswSettings(quantization == null ? d.quantization() : HnswSettings.Quantization.parse(quantization),
        maxConn == null ? d.maxConn() : maxConn, beam == null ? d.beamWidth() : beam);
    SearchBench.Build build = new SearchBench.Build(hnsw, lay, t);
    float[][] all = clusters == 0 ? SyntheticVectors.uniform(vectors + queries, dim, seed)
        : SyntheticVectors.clustered(vectors + queries, dim, clusters, spread, seed);
    Path dir = Files.createTempDirectory("vlt-bench-search");
    try {
      if (!json) System.err.printf(Locale.ROOT, "bench search: indexing %d x %d vectors (%s)...%n", vectors, dim, build.describe());
      int[] efs = candidates != null ? candidates : new int[] {VectorIndex.NUM_CANDIDATES};
      for (int ef : efs) if (ef < 1) throw new IllegalArgumentException("--candidates must be positive, got " + ef);
      SearchBench.Result r = SearchBench.run(dir, Arrays.copyOf(all, vectors), Arrays.copyOfRange(all, vectors, vectors + queries), k, build, efs);
      String jvm = "JDK " + Runtime.version() + ", vector API " + SearchBench.vectorApi();
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vectors", r.vectors());
        m.put("dim", r.dim());
        m.put("clusters", clusters);
        m.put("spread", spread);
        m.put("queries", r.queries());
        m.put("k", r.k());
        m.put("quantization", hnsw.quantization().label());
        m.put("m", hnsw.maxConn());
        m.put("beam", hnsw.beamWidth());
        m.put("layout", lay.label());
        m.put("threads", t);
        m.put("jvm", jvm);
        m.put("build_seconds", r.buildSeconds());
        m.put("merge_seconds", r.mergeSeconds());
        m.put("vectors_per_second", r.vectorsPerSecond());
        m.put("segments", r.segments());
        m.put("candidates", r.search().candidates());
        m.put("p50_ms", r.p50Ms());
        m.put("p95_ms", r.search().p95Ms());
        m.put("cpu_p50_ms", r.cpuP50Ms());
        m.put("exact_p50_ms", r.exactP50Ms());
        m.put("recall", r.recall());
        List<Map<String, Object>> more = new ArrayList<>();
        for (SearchBench.Search sr : r.searches()) {
          Map<String, Object> e = new LinkedHashMap<>();
          e.put("candidates", sr.candidates());
          e.put("p50_ms", sr.p50Ms());
          e.put("p95_ms", sr.p95Ms());
          e.put("cpu_p50_ms", sr.cpuP50Ms());
          e.put("recall", sr.recall());
          more.add(e);
        }
        m.put("searches", more);
        JsonLines.print(m);
      } else {
        System.out.printf(Locale.ROOT, "bench search: %d vectors x %d (%s), %d queries, k %d%n", r.vectors(), r.dim(),
            clusters == 0 ? "uniform" : clusters + " clusters, spread " + spread, r.queries(), r.k());
        System.out.printf(Locale.ROOT, "  %s%n", jvm);
        System.out.printf(Locale.ROOT, "  index build   %.1f s = %.0f vectors/s (%s; final merge %.1f s; %d segment%s)%n", r.buildSeconds(),
            r.vectorsPerSecond(), build.describe(), r.mergeSeconds(), r.segments(), r.segments() == 1 ? "" : "s");
        for (SearchBench.Search sr : r.searches()) {
          System.out.printf(Locale.ROOT, "  HNSW search   %d candidates: p50 %.2f ms, p95 %.2f ms (target p50 < 10 ms), CPU p50 %.2f ms; recall@%d %.4f (vs exact)%n",
              sr.candidates(), sr.p50Ms(), sr.p95Ms(), sr.cpuP50Ms(), r.k(), sr.recall());
        }
        System.out.printf(Locale.ROOT, "  exact search  p50 %.2f ms%n", r.exactP50Ms());
      }
      return 0;
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
  }
}
