package dev.vlt.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HNSW recall@10 against exact search on 20k clustered unit vectors (the shape of a real embedding collection: topics
 * with many near neighbours) must be at least 0.95 with the index's own settings (M 16, beam 100, 100 candidates),
 * written from two threads and merged, as {@code vlt bench search} does.
 */
class HnswRecallTest {
  static final int N = 20_000;
  static final int DIM = 128;
  static final int QUERIES = 200;

  @Test
  void recallAt10AgainstExactSearchIsAtLeast095(@TempDir Path dir) throws Exception {
    // one draw, split: the queries follow the collection's distribution but are not in the index
    float[][] all = SyntheticVectors.clustered(N + QUERIES, DIM, 500, 1.0, 7);
    float[][] vectors = Arrays.copyOf(all, N);
    float[][] queries = Arrays.copyOfRange(all, N, N + QUERIES);
    SearchBench.Result r = SearchBench.run(dir, vectors, queries, 10, 2);
    System.out.printf("HNSW recall@10 = %.4f on %d x %d clustered vectors (build %.1f s, p50 %.2f ms, exact p50 %.2f ms)%n",
        r.recall(), N, DIM, r.buildSeconds(), r.p50Ms(), r.exactP50Ms());
    assertTrue(r.recall() >= 0.95, "recall@10 " + r.recall());

    try (VectorIndex index = VectorIndex.open(dir)) {
      assertEquals(N, index.info().count());
      // an indexed vector finds itself first with cosine 1, by both routes
      for (boolean exact : new boolean[] {false, true}) {
        List<Hit> hits = index.search(vectors[1234], 3, exact);
        assertEquals("v1234", hits.get(0).key());
        assertEquals(1.0, hits.get(0).score(), 1e-5);
        assertTrue(hits.get(1).score() <= hits.get(0).score());
      }
    }
  }
}
