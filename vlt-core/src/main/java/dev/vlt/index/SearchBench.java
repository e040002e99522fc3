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
  /**
   * @param buildSeconds wall time to index (HNSW insertion) and merge to one segment
   * @param recall mean recall@k of HNSW against exact search over the queries
   */
  public record Result(int vectors, int dim, int queries, int k, int threads, double buildSeconds, double p50Ms, double p95Ms,
      double exactP50Ms, double recall) {}

  private SearchBench() {}

  /**
   * Indexes {@code vectors} into {@code dir} with {@code threads} writer threads (then one merged segment), then times
   * {@code queries} HNSW searches (after a warm-up) and exact searches of the same queries.
   */
  public static Result run(Path dir, float[][] vectors, float[][] queries, int k, int threads) throws IOException {
    long t0 = System.nanoTime();
    write(dir, vectors, threads);
    double build = (System.nanoTime() - t0) / 1e9;
    try (VectorIndex index = VectorIndex.open(dir)) {
      for (int i = 0; i < Math.min(20, queries.length); i++) index.search(queries[i], k, false); // JIT warm-up
      double[] hnswMs = new double[queries.length];
      double[] exactMs = new double[queries.length];
      double recall = 0;
      for (int q = 0; q < queries.length; q++) {
        long s = System.nanoTime();
        List<Hit> approx = index.search(queries[q], k, false); // the full path a user's search takes, stored fields included
        hnswMs[q] = (System.nanoTime() - s) / 1e6;
        s = System.nanoTime();
        List<Hit> exact = index.search(queries[q], k, true);
        exactMs[q] = (System.nanoTime() - s) / 1e6;
        recall += recall(approx, exact);
      }
      return new Result(vectors.length, vectors[0].length, queries.length, k, threads, build, percentile(hnswMs, 50),
          percentile(hnswMs, 95), percentile(exactMs, 50), recall / queries.length);
    }
  }

  /** Writes synthetic entries {@code v0, v1, …} from {@code threads} threads and merges them into one segment. */
  public static void write(Path dir, float[][] vectors, int threads) throws IOException {
    // a buffer big enough for every vector: segments are flushed once per thread, not rebuilt by repeated merges
    double ramMb = Math.max(64, vectors.length * (vectors[0].length * 4.0 + 400) / threads / 1e6 * 2);
    try (VectorIndexWriter w = VectorIndexWriter.open(dir, ramMb, Math.max(2, threads))) {
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
      w.forceMerge();
      w.commit();
    }
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
