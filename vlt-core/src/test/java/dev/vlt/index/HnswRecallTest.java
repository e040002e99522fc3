package dev.vlt.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HNSW recall@10 against exact search on 20k clustered unit vectors (the shape of a real embedding collection: topics
 * with many near neighbours) must be at least 0.95 with the graph {@code vlt index build} writes
 * ({@link HnswSettings#DEFAULT}) and the search's 100 candidates, written from two threads and merged, as
 * {@code vlt bench search} does; and an index written in the float32 format of earlier versions stays readable when new
 * segments come in the default format.
 */
class HnswRecallTest {
  static final int N = 20_000;
  static final int DIM = 128;
  static final int QUERIES = 200;

  @Test
  void defaultGraphRecallAt10AgainstExactSearchIsAtLeast095(@TempDir Path dir) throws Exception {
    // one draw, split: the queries follow the collection's distribution but are not in the index. Spread 1.5 puts a
    // point's own cluster mates at cosine ~0.3 against ~0 ± 0.09 for the rest: near neighbours overlap other clusters, so
    // recall is not trivially 1 (float32, M 16: beam 100 and beam 50 both measured 0.98 here; spread 2.0, close to uniform, gave
    // 0.84 at beam 100)
    float[][] all = SyntheticVectors.clustered(N + QUERIES, DIM, 500, 1.5, 7);
    float[][] vectors = Arrays.copyOf(all, N);
    float[][] queries = Arrays.copyOfRange(all, N, N + QUERIES);
    SearchBench.Result r = SearchBench.run(dir, vectors, queries, 10, new SearchBench.Build(HnswSettings.DEFAULT, SearchBench.Layout.MERGED, 2));
    System.out.printf("HNSW recall@10 = %.4f on %d x %d clustered vectors, %s (build %.1f s, p50 %.2f ms wall / %.2f ms CPU, exact p50 %.2f ms)%n",
        r.recall(), N, DIM, HnswSettings.DEFAULT.describe(), r.buildSeconds(), r.p50Ms(), r.cpuP50Ms(), r.exactP50Ms());
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
      // a quantised graph ranks by approximate scores; what users see are the exact cosines of the float vectors
      for (int q = 0; q < 20; q++) {
        List<Hit> approx = index.search(queries[q], 10, false);
        Map<String, Float> exact = new TreeMap<>();
        for (Hit h : index.search(queries[q], 50, true)) exact.put(h.key(), h.score());
        for (Hit h : approx) {
          if (exact.containsKey(h.key())) assertEquals(exact.get(h.key()), h.score(), 1e-5, "score of " + h.key());
        }
      }
    }
  }

  @Test
  void aFloat32IndexStaysReadableAndTakesDefaultSegments(@TempDir Path dir) throws Exception {
    float[][] all = SyntheticVectors.clustered(4_000, 64, 50, 1.5, 3);
    float[][] old = Arrays.copyOf(all, 2_000);
    SearchBench.write(dir, old, new SearchBench.Build(HnswSettings.FLOAT32, SearchBench.Layout.MERGED, 2)); // v0 … v1999
    try (VectorIndexWriter w = VectorIndexWriter.open(dir, 16, 2)) {
      for (int i = 2_000; i < all.length; i++) w.put(IndexItem.synthetic("v" + i), "-", all[i]);
      w.commit();
      List<String> formats = formats(dir);
      assertTrue(formats.contains("Lucene99HnswVectorsFormat"), "the old segment keeps its format: " + formats);
      assertTrue(formats.contains(defaultFormatName()), "new segments are written as " + defaultFormatName() + ": " + formats);
      try (VectorIndex index = VectorIndex.open(dir)) {
        assertEquals(all.length, index.info().count());
        for (int i : new int[] {17, 1999, 2000, 3999}) assertEquals("v" + i, index.search(all[i], 1, false).get(0).key());
      }
      w.forceMerge(); // merging rewrites the old segment in the default format
      w.commit();
      assertEquals(List.of(defaultFormatName()), formats(dir));
      try (VectorIndex index = VectorIndex.open(dir)) {
        for (int i : new int[] {17, 1999, 2000, 3999}) assertEquals("v" + i, index.search(all[i], 1, false).get(0).key());
      }
    }
  }

  private static String defaultFormatName() {
    return HnswSettings.DEFAULT.quantization() == HnswSettings.Quantization.NONE ? "Lucene99HnswVectorsFormat"
        : "Lucene99HnswScalarQuantizedVectorsFormat";
  }

  /** The vector format each segment recorded for the vector field, in segment order. */
  private static List<String> formats(Path dir) throws Exception {
    List<String> out = new ArrayList<>();
    try (FSDirectory d = FSDirectory.open(dir); DirectoryReader reader = DirectoryReader.open(d)) {
      for (LeafReaderContext leaf : reader.leaves()) {
        out.add(leaf.reader().getFieldInfos().fieldInfo(Fields.VECTOR).getAttribute(PerFieldKnnVectorsFormat.PER_FIELD_FORMAT_KEY));
      }
    }
    return out;
  }
}
