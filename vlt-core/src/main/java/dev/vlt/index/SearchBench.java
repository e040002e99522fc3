package dev.vlt.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Search latency on an index of synthetic vectors: the figures behind "p50 under 10 ms on 100k vectors", and recall@k of
 * HNSW against exact search on the same queries.
 */
public final class SearchBench {
  /** How the bench writes the index: the graph settings, the segments it ends with, and the writer threads. */
  public record Build(HnswSettings hnsw, Layout layout, int threads) {
    public Build {
      if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
      if (layout == Layout.SINGLE && threads != 1) throw new IllegalArgumentException("the single layout writes from one thread");
    }

    public String describe() {
      return hnsw.describe() + ", " + layout.label + ", " + threads + (threads == 1 ? " thread" : " threads");
    }
  }

  /** The segments an index build ends with, which decides how often the graph is rebuilt. */
  public enum Layout {
    /** A buffer for every vector, one segment per writer thread, then merged into one: one graph, built about 1.5 times. */
    MERGED("merged"),
    /** As MERGED without the merge: one graph per writer thread, each searched. */
    PER_THREAD("per-thread"),
    /** One writer thread and a buffer for every vector: one graph, built once, on one core. */
    SINGLE("single"),
    /** The 64 MB buffer {@code vlt index build} uses: many flushed segments and Lucene's own merges, no final merge. */
    BUFFER_64MB("buffer-64mb");

    final String label;

    Layout(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    public static Layout parse(String s) {
      for (Layout l : values()) if (l.label.equals(s)) return l;
      throw new IllegalArgumentException("layout '" + s + "': expected merged, per-thread, single or buffer-64mb");
    }
  }

  /**
   * @param buildSeconds wall time to index (HNSW insertion), including {@code mergeSeconds}
   * @param mergeSeconds of which the final merge to one segment (0 unless the layout merges)
   * @param segments segments (one HNSW graph each) the search runs on
   * @param searches the HNSW search figures, one per candidate count, the index's own ({@link VectorIndex#NUM_CANDIDATES}) first
   */
  public record Result(int vectors, int dim, int queries, int k, Build build, double buildSeconds, double mergeSeconds,
      int segments, double exactP50Ms, List<Search> searches) {
    public double vectorsPerSecond() {
      return vectors / buildSeconds;
    }

    /** The search as {@code vlt search} runs it. */
    public Search search() {
      return searches.get(0);
    }

    public double recall() {
      return search().recall();
    }

    public double p50Ms() {
      return search().p50Ms();
    }

    public double cpuP50Ms() {
      return search().cpuP50Ms();
    }
  }

  /**
   * @param candidates HNSW candidates (ef) per search; the top k of them are kept
   * @param cpuP50Ms median CPU time of one HNSW search on its thread: what a search costs whatever else the machine runs
   * @param recall mean recall@k of HNSW against exact search over the queries
   */
  public record Search(int candidates, double p50Ms, double p95Ms, double cpuP50Ms, double recall) {}

  private SearchBench() {}

  /** {@link #run(Path, float[][], float[][], int, Build, int...)} with the index's own candidate count only. */
  public static Result run(Path dir, float[][] vectors, float[][] queries, int k, Build build) throws IOException {
    return run(dir, vectors, queries, k, build, VectorIndex.NUM_CANDIDATES);
  }

  /**
   * Indexes {@code vectors} into {@code dir} as {@code build} says, then times exact searches of {@code queries} and,
   * for each candidate count, HNSW searches of the same queries (after a warm-up).
   */
  public static Result run(Path dir, float[][] vectors, float[][] queries, int k, Build build, int... candidates) throws IOException {
    long t0 = System.nanoTime();
    double merge = write(dir, vectors, build);
    double seconds = (System.nanoTime() - t0) / 1e9;
    try (VectorIndex index = VectorIndex.open(dir)) {
      List<List<Hit>> truth = new ArrayList<>();
      double[] exactMs = new double[queries.length];
      for (int q = 0; q < queries.length; q++) {
        long s = System.nanoTime();
        truth.add(index.search(queries[q], k, true));
        exactMs[q] = (System.nanoTime() - s) / 1e6;
      }
      java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
      List<Search> searches = new ArrayList<>();
      for (int ef : candidates) {
        for (int i = 0; i < Math.min(20, queries.length); i++) index.search(queries[i], k, false, ef); // JIT warm-up
        double[] hnswMs = new double[queries.length];
        double[] hnswCpuMs = new double[queries.length];
        double recall = 0;
        for (int q = 0; q < queries.length; q++) {
          long c = cpu.getCurrentThreadCpuTime();
          long s = System.nanoTime();
          List<Hit> approx = index.search(queries[q], k, false, ef); // the full path a user's search takes, stored fields included
          hnswMs[q] = (System.nanoTime() - s) / 1e6;
          hnswCpuMs[q] = (cpu.getCurrentThreadCpuTime() - c) / 1e6;
          recall += recall(approx, truth.get(q));
        }
        searches.add(new Search(ef, percentile(hnswMs, 50), percentile(hnswMs, 95), percentile(hnswCpuMs, 50), recall / queries.length));
      }
      return new Result(vectors.length, vectors[0].length, queries.length, k, build, seconds, merge, index.segments(),
          percentile(exactMs, 50), List.copyOf(searches));
    }
  }

  /**
   * Writes synthetic entries {@code v0, v1, …} from the build's threads, in the layout it names.
   *
   * @return seconds of the final merge (0 when the layout has none)
   */
  public static double write(Path dir, float[][] vectors, Build build) throws IOException {
    int threads = build.threads();
    // a buffer big enough for every vector: segments are flushed once per thread, not rebuilt by repeated merges
    double ramMb = build.layout() == Layout.BUFFER_64MB ? 64
        : Math.max(64, vectors.length * (vectors[0].length * 4.0 + 400) / threads / 1e6 * 2);
    try (VectorIndexWriter w = VectorIndexWriter.open(dir, ramMb, Math.max(2, threads), build.hnsw())) {
      w.setCommitData(IndexInfo.commitData(new IndexBuilder.Model("synthetic", "synthetic", null, vectors[0].length), "synthetic"));
      ExecutorService pool = Executors.newFixedThreadPool(threads, VectorIndexWriter.daemon("vlt-index-write"));
      try {
        List<Future<Void>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int first = t;
          parts.add(pool.submit(() -> {
            for (int i = first; i < vectors.length; i += threads) w.put(IndexItem.synthetic("v" + i), "-", vectors[i]);
            return null;
          }));
        }
        for (Future<Void> f : parts) f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while indexing", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IOException("indexing failed: " + e.getCause(), e.getCause());
      } finally {
        pool.shutdownNow();
      }
      double merge = 0;
      if (build.layout() == Layout.MERGED) {
        w.commit(); // flush first, so the merge time is the merge alone
        long t0 = System.nanoTime();
        w.forceMerge();
        merge = (System.nanoTime() - t0) / 1e9;
      }
      w.commit();
      return merge;
    }
  }

  /**
   * Whether Lucene scores vectors with the JDK's vector API, as Lucene 9.12 decides it (JDK 20 to 23, or newer when
   * {@code org.apache.lucene.vectorization.upperJavaFeatureVersion} allows it, with the incubator module added), and why not.
   */
  public static String vectorApi() {
    int jdk = Runtime.version().feature();
    int upper = Math.max(23, Integer.getInteger("org.apache.lucene.vectorization.upperJavaFeatureVersion", 23));
    if (jdk < 20) return "off (JDK " + jdk + "; Lucene uses it from JDK 20)";
    if (jdk > upper) return "off (JDK " + jdk + " is newer than Lucene 9.12 trusts: -Dorg.apache.lucene.vectorization.upperJavaFeatureVersion=" + jdk + ")";
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return "off (JDK " + jdk + " without --add-modules jdk.incubator.vector)";
    return "on (JDK " + jdk + ")";
  }

  /** |approx ∩ exact| / |exact|, by entry key. */
  public static double recall(List<Hit> approx, List<Hit> exact) {
    java.util.Set<String> found = new java.util.HashSet<>();
    for (Hit h : approx) found.add(h.key());
    long hit = exact.stream().filter(h -> found.contains(h.key())).count();
    return exact.isEmpty() ? 1 : (double) hit / exact.size();
  }

  static double percentile(double[] values, double p) {
    double[] s = values.clone();
    Arrays.sort(s);
    int i = (int) Math.ceil(p / 100 * s.length) - 1;
    return s[Math.max(0, Math.min(s.length - 1, i))];
  }
}
