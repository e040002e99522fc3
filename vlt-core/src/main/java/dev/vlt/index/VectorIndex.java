package dev.vlt.index;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/**
 * Searches an index folder. Sees the latest commit within a second: a build running beside a server shows up soon after
 * each of its commits.
 * Thread-safe.
 */
public final class VectorIndex implements Closeable {
  /**
   * HNSW candidates per search (ef): Lucene searches this many and we keep the top k. DESIGN.md measured ≥ 100 for good
   * recall; the recall test holds it to ≥ 0.95 at k = 10.
   */
  public static final int NUM_CANDIDATES = 100;
  /**
   * How often a search checks for a newer commit. The check reads the latest segments file (about 1 ms of CPU, as much as
   * the HNSW search itself at 20k vectors), so it is done at most once per interval, not per query.
   */
  private static final long REFRESH_INTERVAL_NANOS = 1_000_000_000L;

  private final Path dir;
  private final FSDirectory directory;
  private final SearcherManager searchers;
  private volatile long lastRefresh = System.nanoTime();

  private VectorIndex(Path dir, FSDirectory directory, SearcherManager searchers) {
    this.dir = dir;
    this.directory = directory;
    this.searchers = searchers;
  }

  public static VectorIndex open(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("--index " + dir + ": no such folder (run 'vlt index build' first)");
    FSDirectory directory = FSDirectory.open(dir);
    try {
      VectorIndex index = new VectorIndex(dir, directory, new SearcherManager(directory, null));
      index.info(); // fail now, in one line, on a folder vlt did not build
      return index;
    } catch (IndexNotFoundException e) {
      directory.close();
      throw new IllegalArgumentException("--index " + dir + ": not an index (no committed segments; run 'vlt index build')");
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw e;
    }
  }

  /** Picks up a newer commit (a build running beside a server), at most once per refresh interval. */
  private void refreshIfStale() throws IOException {
    long now = System.nanoTime();
    if (now - lastRefresh < REFRESH_INTERVAL_NANOS) return;
    lastRefresh = now;
    searchers.maybeRefresh();
  }

  public IndexInfo info() throws IOException {
    refreshIfStale();
    IndexSearcher s = searchers.acquire();
    try {
      DirectoryReader reader = (DirectoryReader) s.getIndexReader();
      int withVector = s.count(new FieldExistsQuery(Fields.VECTOR));
      return IndexInfo.fromCommitData(reader.getIndexCommit().getUserData(), withVector, reader.numDocs() - withVector, dir.toString());
    } finally {
      searchers.release(s);
    }
  }

  /** Segments of the current commit: each holds its own HNSW graph, and a search visits them all. */
  public int segments() throws IOException {
    refreshIfStale();
    IndexSearcher s = searchers.acquire();
    try {
      return s.getIndexReader().leaves().size();
    } finally {
      searchers.release(s);
    }
  }

  /**
   * The k entries nearest to {@code query} [E] by cosine, best first.
   *
   * @param exact brute force over every vector instead of the HNSW graph: the ground truth, O(N·E) per query
   */
  public List<Hit> search(float[] query, int k, boolean exact) throws IOException {
    return search(query, k, exact, NUM_CANDIDATES);
  }

  /** As {@link #search(float[], int, boolean)} with {@code candidates} HNSW candidates (ef) instead of the default. */
  List<Hit> search(float[] query, int k, boolean exact, int candidates) throws IOException {
    if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
    refreshIfStale();
    IndexSearcher s = searchers.acquire();
    try {
      checkDim(s, query);
      float[] unit = Fields.unit(query);
      ScoreDoc[] top = exact ? exactTop(s, unit, k) : hnswTop(s, unit, k, candidates);
      List<Hit> hits = new ArrayList<>(top.length);
      StoredFields stored = s.storedFields(); // one reader for all hits: it keeps its decompressed block between them
      for (ScoreDoc sd : top) hits.add(hit(stored.document(sd.doc), Fields.cosine(sd.score)));
      return hits;
    } finally {
      searchers.release(s);
    }
  }

  private void checkDim(IndexSearcher s, float[] query) throws IOException {
    for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
      var info = leaf.reader().getFieldInfos().fieldInfo(Fields.VECTOR);
      if (info != null && info.getVectorDimension() != query.length) {
        throw new IllegalArgumentException("the query has " + query.length + " dimensions, the index at " + dir + " has "
            + info.getVectorDimension() + " (a different model?)");
      }
    }
  }

  private static ScoreDoc[] hnswTop(IndexSearcher s, float[] query, int k, int numCandidates) throws IOException {
    int candidates = Math.max(k, numCandidates);
    TopDocs td = s.search(new KnnFloatVectorQuery(Fields.VECTOR, query, candidates), candidates);
    ScoreDoc[] all = rescore(s, query, td.scoreDocs);
    return java.util.Arrays.copyOf(all, Math.min(k, all.length));
  }

  /**
   * The candidates scored again on their stored float vectors, best first. A quantised graph (int8, int4) ranks them by
   * approximate scores: the exact ones choose the top k among them and are the cosines users see. Float graphs get the
   * scores they had. About 100 dot products: little next to the graph search.
   */
  private static ScoreDoc[] rescore(IndexSearcher s, float[] query, ScoreDoc[] candidates) throws IOException {
    ScoreDoc[] byDoc = candidates.clone();
    java.util.Arrays.sort(byDoc, (a, b) -> Integer.compare(a.doc, b.doc)); // vector values only move forward
    List<LeafReaderContext> leaves = s.getIndexReader().leaves();
    int leaf = -1;
    FloatVectorValues values = null;
    ScoreDoc[] out = new ScoreDoc[byDoc.length];
    for (int i = 0; i < byDoc.length; i++) {
      int doc = byDoc[i].doc;
      int l = ReaderUtil.subIndex(doc, leaves);
      if (l != leaf) {
        leaf = l;
        values = leaves.get(l).reader().getFloatVectorValues(Fields.VECTOR);
      }
      int local = doc - leaves.get(l).docBase;
      if (values.advance(local) != local) throw new IllegalStateException("HNSW returned document " + doc + " without a vector");
      out[i] = new ScoreDoc(doc, Fields.SIMILARITY.compare(query, values.vectorValue()));
    }
    java.util.Arrays.sort(out, (a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.doc, b.doc));
    return out;
  }

  private static ScoreDoc[] exactTop(IndexSearcher s, float[] query, int k) throws IOException {
    // a min-heap of the best k so far; ties go to the lower doc id, as Lucene's own top-k does
    PriorityQueue<ScoreDoc> heap = new PriorityQueue<>(k, (a, b) -> a.score != b.score ? Float.compare(a.score, b.score) : Integer.compare(b.doc, a.doc));
    for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
      FloatVectorValues values = leaf.reader().getFloatVectorValues(Fields.VECTOR);
      if (values == null) continue;
      Bits live = leaf.reader().getLiveDocs();
      for (int d = values.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = values.nextDoc()) {
        if (live != null && !live.get(d)) continue;
        float score = Fields.SIMILARITY.compare(query, values.vectorValue());
        ScoreDoc sd = new ScoreDoc(leaf.docBase + d, score);
        if (heap.size() < k) {
          heap.add(sd);
        } else if (heap.comparator().compare(sd, heap.peek()) > 0) {
          heap.poll();
          heap.add(sd);
        }
      }
    }
    ScoreDoc[] out = new ScoreDoc[heap.size()];
    for (int i = out.length - 1; i >= 0; i--) out[i] = heap.poll();
    return out;
  }

  /** The entry with this public id, if the index holds it (with a vector or not). */
  public Optional<Hit> byId(String id) throws IOException {
    if (!IndexIds.isWellFormed(id)) return Optional.empty();
    refreshIfStale();
    IndexSearcher s = searchers.acquire();
    try {
      TopDocs td = s.search(new TermQuery(new Term(Fields.ID, id)), 1);
      if (td.scoreDocs.length == 0) return Optional.empty();
      return Optional.of(hit(s.storedFields().document(td.scoreDocs[0].doc), Float.NaN));
    } finally {
      searchers.release(s);
    }
  }

  private static Hit hit(Document doc, float score) {
    return new Hit(doc.get(Fields.ID), doc.get(Fields.KEY), doc.get(Fields.NAME), doc.get(Fields.CAPTION), Fields.meta(doc.get(Fields.META)), score);
  }

  public Path dir() {
    return dir;
  }

  @Override
  public void close() throws IOException {
    try {
      searchers.close();
    } finally {
      directory.close();
    }
  }
}
