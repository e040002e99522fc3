package dev.vlt.index;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Fills an index with vectors computed elsewhere (a Spark job's Parquet output) instead of embedding images here. The
 * index is rebuilt from scratch: it then holds exactly the imported entries, labelled with the model that made them, so
 * {@code vlt search} embeds queries with that model as for an index built from images.
 */
public final class VectorImport {
  /** One precomputed entry: {@code vector} [E] need not be unit length (it is normalised on the way in). */
  public record Entry(IndexItem item, float[] vector) {}

  /**
   * What an import did.
   *
   * @param entries entries read
   * @param vectors distinct keys in the index afterwards (fewer than {@code entries} when keys repeat: the last one wins)
   */
  public record Report(long entries, int vectors, int commits) {}

  /** Stamp of imported entries: a later {@code vlt index build --images} over the same index re-embeds them. */
  static final String STAMP = "imported";

  private VectorImport() {}

  /**
   * Replaces the index's contents by {@code entries}, committing every {@code commitEvery} entries.
   *
   * @param source what the index records as its source (the Parquet path)
   * @throws IllegalArgumentException when a vector's width differs from {@code model.dim()}
   */
  public static Report replaceAll(VectorIndexWriter writer, IndexBuilder.Model model, String source, Iterator<Entry> entries,
      int commitEvery) throws IOException {
    if (commitEvery < 1) throw new IllegalArgumentException("commit interval must be positive, got " + commitEvery);
    writer.deleteAll();
    Map<String, String> data = IndexInfo.commitData(model, source);
    writer.setCommitData(data);
    long n = 0;
    int commits = 0;
    while (entries.hasNext()) {
      Entry e = entries.next();
      if (e.vector().length != model.dim()) {
        throw new IllegalArgumentException(e.item().key() + ": " + e.vector().length + " dimensions, the model makes " + model.dim());
      }
      writer.put(e.item(), STAMP, e.vector());
      if (++n % commitEvery == 0) {
        writer.commit();
        commits++;
      }
    }
    writer.commit();
    commits++;
    return new Report(n, writer.stamps().size(), commits);
  }
}
