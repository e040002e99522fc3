package dev.vlt.index;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.Bits;

/**
 * Writes entries into an index folder. Nothing is visible to readers, or survives a crash, until {@link #commit}; closing
 * without a commit drops what was written since the last one (so an interrupted build is the same as a killed one).
 * {@link #put} is safe to call from several threads.
 */
public final class VectorIndexWriter implements Closeable {
  private final Path dir;
  private final FSDirectory directory;
  private final IndexWriter writer;
  private final ExecutorService mergeExec;

  private VectorIndexWriter(Path dir, FSDirectory directory, IndexWriter writer, ExecutorService mergeExec) {
    this.dir = dir;
    this.directory = directory;
    this.writer = writer;
    this.mergeExec = mergeExec;
  }

  /** {@link #open(Path, double, int, HnswSettings)} with vlt's default graph ({@link HnswSettings#DEFAULT}). */
  public static VectorIndexWriter open(Path dir, double ramBufferMb, int mergeThreads) throws IOException {
    return open(dir, ramBufferMb, mergeThreads, HnswSettings.DEFAULT);
  }

  /**
   * Opens (creating if needed) an index folder. Segments already there keep the format they were written with; new and
   * merged segments get {@code hnsw}.
   *
   * @param ramBufferMb indexing buffer; a larger one means fewer, larger segments (faster search, no merge rebuilds)
   * @param mergeThreads threads that build a merged segment's HNSW graph (DESIGN.md: use at least 2)
   */
  public static VectorIndexWriter open(Path dir, double ramBufferMb, int mergeThreads, HnswSettings hnsw) throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IllegalArgumentException("--index " + dir + ": not a folder");
    Files.createDirectories(dir);
    FSDirectory directory = FSDirectory.open(dir);
    ExecutorService mergeExec = mergeThreads > 1 ? Executors.newFixedThreadPool(mergeThreads, daemon("vlt-hnsw-merge")) : null;
    try {
      IndexWriterConfig cfg = new IndexWriterConfig()
          .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
          .setCodec(codec(hnsw.format(Math.max(1, mergeThreads), mergeExec)))
          .setRAMBufferSizeMB(ramBufferMb)
          .setCommitOnClose(false);
      return new VectorIndexWriter(dir, directory, new IndexWriter(directory, cfg), mergeExec);
    } catch (LockObtainFailedException e) {
      close(directory, mergeExec);
      throw new IllegalStateException(dir + ": another process is writing this index (its write.lock is held)");
    } catch (IOException | RuntimeException e) {
      close(directory, mergeExec);
      throw e;
    }
  }

  private static Codec codec(KnnVectorsFormat hnsw) {
    return new Lucene912Codec() {
      @Override
      public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return hnsw; // recorded by its SPI name, so readers need no custom codec
      }
    };
  }

  /** The user data of the last commit (empty for a new index). */
  public Map<String, String> committedData() {
    Map<String, String> m = new LinkedHashMap<>();
    Iterable<Map.Entry<String, String>> live = writer.getLiveCommitData();
    if (live != null) live.forEach(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }

  /** key → stamp of every entry written so far (committed or not), unreadable ones included. */
  public Map<String, String> stamps() throws IOException {
    Map<String, String> out = new HashMap<>();
    try (DirectoryReader reader = DirectoryReader.open(writer)) {
      for (LeafReaderContext leaf : reader.leaves()) {
        Bits live = leaf.reader().getLiveDocs();
        StoredFields stored = leaf.reader().storedFields();
        for (int d = 0; d < leaf.reader().maxDoc(); d++) {
          if (live != null && !live.get(d)) continue;
          Document doc = stored.document(d, Set.of(Fields.KEY, Fields.STAMP));
          out.put(doc.get(Fields.KEY), doc.get(Fields.STAMP));
        }
      }
    }
    return out;
  }

  /** Adds or replaces the entry for {@code item.key()}; {@code vector} [E] is stored at unit length. */
  public void put(IndexItem item, String stamp, float[] vector) throws IOException {
    Document doc = document(item, stamp);
    doc.add(new KnnFloatVectorField(Fields.VECTOR, Fields.unit(vector), Fields.SIMILARITY));
    writer.updateDocument(new Term(Fields.KEY, item.key()), doc);
  }

  /** Records an image that could not be decoded, so later runs skip it until its stamp changes. */
  public void putUnreadable(IndexItem item, String stamp, String error) throws IOException {
    Document doc = document(item, stamp);
    doc.add(new StoredField(Fields.ERROR, error));
    writer.updateDocument(new Term(Fields.KEY, item.key()), doc);
  }

  private static Document document(IndexItem item, String stamp) {
    Document doc = new Document();
    doc.add(new StringField(Fields.KEY, item.key(), Field.Store.YES));
    doc.add(new StringField(Fields.ID, IndexIds.of(item.key()), Field.Store.YES));
    doc.add(new StoredField(Fields.NAME, item.name()));
    if (item.caption() != null) doc.add(new StoredField(Fields.CAPTION, item.caption()));
    if (!item.metadata().isEmpty()) doc.add(new StoredField(Fields.META, Fields.metaJson(item.metadata())));
    doc.add(new StoredField(Fields.STAMP, stamp));
    return doc;
  }

  public void delete(String key) throws IOException {
    writer.deleteDocuments(new Term(Fields.KEY, key));
  }

  public void deleteAll() throws IOException {
    writer.deleteAll();
  }

  /** Sets the user data the next commit records (also a commit on close, were there one). */
  public void setCommitData(Map<String, String> data) {
    writer.setLiveCommitData(Map.copyOf(data).entrySet());
  }

  /** Makes everything written so far durable and visible to readers. */
  public void commit() throws IOException {
    writer.commit();
  }

  /** Merges to one segment: one HNSW graph to search instead of one per segment. */
  public void forceMerge() throws IOException {
    writer.forceMerge(1);
  }

  public Path dir() {
    return dir;
  }

  /** Closes without committing (see the class comment). */
  @Override
  public void close() throws IOException {
    try {
      writer.close();
    } finally {
      close(directory, mergeExec);
    }
  }

  private static void close(FSDirectory directory, ExecutorService exec) throws IOException {
    if (exec != null) exec.shutdownNow();
    directory.close();
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
